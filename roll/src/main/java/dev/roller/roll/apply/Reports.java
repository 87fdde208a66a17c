package dev.roller.roll.apply;

import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.service.ServiceManager;
import dev.roller.roll.service.ServiceUnit;
import dev.roller.roll.spec.HostSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What roll tells the config server after an apply or rollback ({@code POST /hosts/{fqdn}/report}). */
final class Reports {
  private Reports() {}

  static Map<String, Object> of(String result, HostSpec spec, int generation, String error, ServiceManager manager) {
    List<Object> packages = new ArrayList<>();
    spec.packages().forEach(p -> packages.add(Map.of("name", p.ref().name(), "version", p.ref().version())));
    return doc(result, spec.host(), spec.hostclass(), spec.datacenter(), spec.commit(), packages, spec.params(),
        spec.peers(), generation, error, List.of(), manager);
  }

  static Map<String, Object> of(String result, GenerationRecord rec, int generation, String error, ServiceManager manager) {
    List<Object> packages = new ArrayList<>();
    rec.packages().forEach(p -> packages.add(Map.of("name", p.ref().name(), "version", p.ref().version())));
    return doc(result, rec.host(), rec.hostclass(), rec.datacenter(), rec.commit(), packages, rec.params(), rec.peers(),
        generation, error, rec.services(), manager);
  }

  private static Map<String, Object> doc(String result, String host, String hostclass, String datacenter, String commit,
      List<Object> packages, Map<String, Object> params, Map<String, Object> peers, int generation, String error,
      List<ServiceUnit> services, ServiceManager manager) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("result", result);
    doc.put("commit", commit);
    doc.put("generation", generation);
    doc.put("time", Instant.now().toString());
    if (error != null) {
      doc.put("error", error);
    }
    Map<String, Object> versions = new LinkedHashMap<>();
    for (Object p : packages) {
      Map<?, ?> m = (Map<?, ?>) p;
      versions.put(String.valueOf(m.get("name")), m.get("version"));
    }
    doc.put("packages", versions);
    Map<String, Object> running = new LinkedHashMap<>();
    for (ServiceUnit u : services) {
      running.put(u.name(), manager.running(u.name()) ? "running" : "stopped");
    }
    doc.put("services", running);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("host", host);
    spec.put("hostclass", hostclass);
    spec.put("datacenter", datacenter);
    spec.put("packages", packages);
    spec.put("params", params);
    spec.put("peers", peers);
    doc.put("spec", spec);
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
    void spec(String result, HostSpec spec, int generation, String error) {
      if (client == null) {
        return;
      }
      Map<String, Object> doc = of(result, spec, generation, error, manager);
      String failure = client.report(spec.host(), doc);
      if (failure != null) {
        log.warn("could not report to the config server (the roll is not affected): " + failure);
      }
    }

    /** The report of generation {@code rec}, served at {@code commit}, best effort. */
    void record(String result, GenerationRecord rec, String commit, int generation, String error) {
      if (client == null) {
        return;
      }
      Map<String, Object> doc = of(result, rec, generation, error, manager);
      doc.put("commit", commit);
      String failure = client.report(rec.host(), doc);
      if (failure != null) {
        log.warn("could not report to the config server (the roll is not affected): " + failure);
      }
    }
  }
}
