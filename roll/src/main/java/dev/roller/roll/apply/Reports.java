package dev.roller.roll.apply;

import dev.roller.pkg.render.ServiceUnit;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.service.ServiceManager;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What roll tells the config server after an apply or rollback ({@code POST /hosts/{fqdn}/report}). */
final class Reports {
  private Reports() {}

  /**
   * The report of an apply (or rollback) that tried {@code tried} and left the host running
   * {@code running} (null when that is not known): the result; the commit, digest and whole of the
   * spec tried; the digest and commit of the spec run (DESIGN §8: the server holds a failed host on
   * it); the package versions run and each service running or not.
   */
  static Map<String, Object> of(String result, Spec tried, Spec running, int generation, String error,
      List<ServiceUnit> services, ServiceManager manager) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("result", result);
    doc.put("commit", tried.commit());
    doc.put("tried", tried.digest());
    if (running != null) {
      doc.put("running", running.digest());
      doc.put("running_commit", running.commit());
    }
    doc.put("generation", generation);
    doc.put("time", Instant.now().toString());
    if (error != null) {
      doc.put("error", error);
    }
    doc.put("packages", new LinkedHashMap<>(running == null ? tried.versions() : running.versions()));
    Map<String, Object> state = new LinkedHashMap<>();
    for (ServiceUnit u : services) {
      state.put(u.name(), manager.running(u.name()) ? "running" : "stopped");
    }
    doc.put("services", state);
    doc.put("spec", SpecCodec.toMap(tried));
    return doc;
  }

  /** Sends reports to the config server (none without one); a failure is warned about, never fatal. */
  static final class Sender {
    private final ConfigServerClient client;
    private final ServiceManager manager;
    private final Log log;

    Sender(ConfigServerClient client, ServiceManager manager, Log log) {
      this.client = client;
      this.manager = manager;
      this.log = log;
    }

    /**
     * The report of trying {@code tried}, after which the host runs generation {@code now} (null
     * when it is not known, as after a failure that could not roll back), best effort.
     */
    void send(String result, Spec tried, GenerationRecord now, int generation, String error) {
      if (client == null) {
        return;
      }
      Spec running = now == null ? null : now.spec();
      Map<String, Object> doc = of(result, tried, running, generation, error, now == null ? List.of() : now.services(), manager);
      String failure = client.report(tried.host(), doc);
      if (failure != null) {
        log.warn("could not report to the config server (the roll is not affected): " + failure);
      }
    }
  }
}
