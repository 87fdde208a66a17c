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
   * The report of {@code spec} (a generation's, or the one an apply got as far as): the result,
   * the package versions, each service running or not, and the spec itself, from which the server
   * takes its digest.
   */
  static Map<String, Object> of(String result, Spec spec, int generation, String error, List<ServiceUnit> services,
      ServiceManager manager) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("result", result);
    doc.put("commit", spec.commit());
    doc.put("generation", generation);
    doc.put("time", Instant.now().toString());
    if (error != null) {
      doc.put("error", error);
    }
    doc.put("packages", new LinkedHashMap<>(spec.versions()));
    Map<String, Object> running = new LinkedHashMap<>();
    for (ServiceUnit u : services) {
      running.put(u.name(), manager.running(u.name()) ? "running" : "stopped");
    }
    doc.put("services", running);
    doc.put("spec", SpecCodec.toMap(spec));
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

    /** The report of an apply that got as far as {@code spec}, best effort. */
    void spec(String result, Spec spec, int generation, String error) {
      if (client == null) {
        return;
      }
      send(spec.host(), of(result, spec, generation, error, List.of(), manager));
    }

    /** The report of generation {@code rec}, served at {@code commit}, best effort. */
    void record(String result, GenerationRecord rec, String commit, int generation, String error) {
      if (client == null) {
        return;
      }
      send(rec.spec().host(), of(result, rec.spec().withCommit(commit), generation, error, rec.services(), manager));
    }

    private void send(String host, Map<String, Object> doc) {
      String failure = client.report(host, doc);
      if (failure != null) {
        log.warn("could not report to the config server (the roll is not affected): " + failure);
      }
    }
  }
}
