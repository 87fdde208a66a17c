package dev.roller.server.http;

import dev.roller.repo.model.NameRule;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /rollouts} and {@code /rollouts/{hc}} (DESIGN §8): each hostclass's rollout at the
 * commit served: waves, hosts done, pending, failed and held, its state and when the next wave
 * may open; the one hostclass's view adds every host with its wave, state and why.
 */
final class RolloutViews {
  private final Rollouts rollouts;

  RolloutViews(Rollouts rollouts) {
    this.rollouts = rollouts;
  }

  /** Every hostclass with a {@code rollout:} or hosts not on their target. */
  Reply rollouts(Request r) {
    Snapshot s = r.snapshot();
    List<Object> out = new ArrayList<>();
    for (String hc : s.repo().hostclasses().keySet()) {
      Rollouts.HostclassRollout rollout = of(s, hc);
      if (rollout.declared() || rollout.count(Rollouts.State.DONE) < rollout.hosts().size()) {
        out.add(summary(rollout));
      }
    }
    return Reply.document(s.commit(), Request.map("commit", s.commit(), "rollouts", out));
  }

  Reply rollout(Request r) {
    String hc = r.name("hc", NameRule.HOSTCLASS);
    Snapshot s = r.snapshot();
    if (!s.repo().hostclasses().containsKey(hc)) {
      throw ApiException.notFound("no hostclass " + NameRule.quote(hc) + " (no hostclasses/" + hc + ".yml at " + s.commit() + ")");
    }
    Rollouts.HostclassRollout rollout = of(s, hc);
    Map<String, Object> doc = summary(rollout);
    List<Object> hosts = new ArrayList<>();
    for (Rollouts.HostRollout h : rollout.hosts()) {
      Map<String, Object> m = Request.map("host", h.host(), "wave", h.wave(), "state", h.state().label, "why", h.why());
      if (h.report() != null && h.report().receivedAt() != null) {
        m.put("reported_at", h.report().receivedAt().toString());
        m.put("result", h.report().result());
      }
      hosts.add(m);
    }
    doc.put("by_host", hosts);
    return Reply.document(s.commit(), doc);
  }

  private Rollouts.HostclassRollout of(Snapshot s, String hc) {
    try {
      return rollouts.of(s, hc);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the hosts' reports: " + e.getMessage());
    }
  }

  static Map<String, Object> summary(Rollouts.HostclassRollout r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hostclass", r.hostclass());
    m.put("commit", r.commit());
    Map<String, Object> rollout = new LinkedHashMap<>();
    rollout.put("waves", r.rollout().waves().stream().map(Object::toString).toList());
    rollout.put("soak", r.rollout().soak().toSeconds() + "s");
    rollout.put("max_failures", r.declared() ? r.rollout().maxFailures() : null);
    rollout.put("paused", r.rollout().paused());
    m.put("rollout", r.declared() ? rollout : "none (every host at once; failed hosts are held)");
    m.put("wave", r.openWaves());
    m.put("waves", r.ends().size());
    m.put("wave_ends", r.ends());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("total", r.hosts().size());
    r.counts().forEach((state, n) -> counts.put(state.label, n));
    m.put("hosts", counts);
    m.put("state", r.state());
    m.put("halted", r.halted());
    if (r.nextWaveAt() != null) {
      m.put("next_wave_at", r.nextWaveAt().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    if (r.nextWave() != null) {
      m.put("next_wave", r.nextWave());
    }
    return m;
  }
}
