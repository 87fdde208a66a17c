package dev.roller.server.rollout;

import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.Rollout;
import dev.roller.repo.model.Sha256;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who gets what (DESIGN §8), derived from the commit served and the hosts' reports, and nothing
 * else: a host's target is its spec at the commit; it is done when its latest report says it runs
 * the target, failed when its latest report says the target failed, otherwise pending. The hosts
 * of a hostclass are ordered by sha256 of {@code <hostclass>/<fqdn>} and cut into cumulative
 * waves. Wave k+1 opens when every host of waves 1..k has finished (done, or failed within
 * {@code max_failures}), the last of them done at least {@code soak} ago; more failures than
 * {@code max_failures} halt the rollout until a commit changes the failed hosts' specs; {@code
 * paused} admits nobody. Hosts that never reported are admitted at once and hold no wave back (a
 * blank host gets its target). A host not admitted, or failed, is held on the spec its report says
 * it runs. A host whose file declares {@code key:} counts only on reports it signed.
 */
public final class Rollouts {
  public enum State {
    DONE("done"), PENDING("pending"), FAILED("failed"), HELD("held");

    public final String label;

    State(String label) {
      this.label = label;
    }
  }

  /**
   * One host's place in its hostclass's rollout: its wave (1-based), state, whether it is served
   * its target, why (the {@code X-Roller-Rollout} header) and its latest report (null: never).
   */
  public record HostRollout(String host, int wave, State state, boolean admitted, String why, String target, Report report) {}

  /**
   * A hostclass's rollout at one commit: the waves' ends over its hosts in order, how many are
   * open, the hosts per state, the rollout's state ({@code progressing}, {@code soaking until T},
   * {@code halted: ...}, {@code paused}, {@code complete}) and when or on what the next wave opens.
   */
  public record HostclassRollout(String hostclass, String commit, Rollout rollout, boolean declared, List<Integer> ends,
      int openWaves, Map<State, Integer> counts, boolean halted, String state, Instant nextWaveAt, String nextWave,
      List<HostRollout> hosts, Map<String, HostRollout> byHost) {
    public int count(State s) {
      return counts.getOrDefault(s, 0);
    }
  }

  /** A hostclass's hosts in rollout order and their targets, per commit (the order never changes). */
  private record Plan(List<String> order, Map<String, String> targets) {}

  private record Evaluated(long reports, Instant validUntil, HostclassRollout rollout) {}

  private final ReportIndex reports;
  private final Clock clock;
  private final Map<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
      return size() > 4096;
    }
  };
  private final Map<String, Evaluated> evaluated = new HashMap<>();

  public Rollouts(ReportIndex reports, Clock clock) {
    this.reports = reports;
    this.clock = clock;
  }

  public ReportIndex reports() {
    return reports;
  }

  /** {@code host}'s place in its hostclass's rollout at the commit of {@code s} (the host must be in it). */
  public HostRollout host(Snapshot s, String host) throws IOException {
    String hostclass = s.repo().hosts().get(host).hostclass();
    HostRollout h = of(s, hostclass).byHost().get(host);
    if (h == null) {
      throw new IllegalStateException(host + " is not in the rollout of " + hostclass);
    }
    return h;
  }

  /** The rollout of {@code hostclass} at the commit of {@code s}, now. */
  public HostclassRollout of(Snapshot s, String hostclass) throws IOException {
    Instant now = clock.instant();
    String key = s.commit() + "/" + hostclass;
    long version = reports.version();
    synchronized (evaluated) {
      Evaluated e = evaluated.get(key);
      if (e != null && now.isBefore(e.validUntil())) {
        if (e.reports() == version) {
          return e.rollout();
        }
        // Reports of other hostclasses' hosts came in since: this one's rollout is as it was.
        java.util.Optional<java.util.Set<String>> changed = reports.changedSince(e.reports());
        if (changed.isPresent() && changed.get().stream().noneMatch(h -> {
          dev.roller.repo.model.Host host = s.repo().hosts().get(h);
          return host != null && host.hostclass().equals(hostclass);
        })) {
          evaluated.put(key, new Evaluated(version, e.validUntil(), e.rollout()));
          return e.rollout();
        }
      }
    }
    HostclassRollout r = evaluate(s, hostclass, plan(s, hostclass), now);
    Instant validUntil = r.nextWaveAt() != null ? r.nextWaveAt() : Instant.MAX;
    synchronized (evaluated) {
      if (evaluated.size() > 4096) {
        evaluated.clear();
      }
      evaluated.put(key, new Evaluated(version, validUntil, r));
    }
    return r;
  }

  /** The digest of {@code host}'s spec at the commit of {@code s} (the host must be in it), resolved once per commit. */
  public String target(Snapshot s, String host) {
    return plan(s, s.repo().hosts().get(host).hostclass()).targets().get(host);
  }

  /** Resolves every host's target at the commit of {@code s}, hostclasses in parallel (a new commit's first fleet view). */
  public void prepare(Snapshot s) {
    s.repo().hostclasses().keySet().parallelStream().forEach(hc -> plan(s, hc));
  }

  private Plan plan(Snapshot s, String hostclass) {
    String key = s.commit() + "/" + hostclass;
    synchronized (plans) {
      Plan p = plans.get(key);
      if (p != null) {
        return p;
      }
    }
    List<String> order = new ArrayList<>(s.repo().index().hosts(hostclass));
    Map<String, String> rank = new HashMap<>();
    for (String host : order) {
      rank.put(host, rankOf(hostclass, host));
    }
    order.sort(Comparator.comparing(rank::get));
    Map<String, String> targets = new HashMap<>();
    for (String host : order) {
      targets.put(host, s.repo().spec(host).orElseThrow().digest());
    }
    Plan p = new Plan(List.copyOf(order), Map.copyOf(targets));
    synchronized (plans) {
      plans.put(key, p);
    }
    return p;
  }

  /** The host's place in the stable order: sha256 of {@code <hostclass>/<fqdn>}, in hex. */
  static String rankOf(String hostclass, String host) {
    return java.util.HexFormat.of().formatHex(Sha256.newDigest().digest((hostclass + "/" + host).getBytes(StandardCharsets.UTF_8)));
  }

  private enum Status { NEW, UNREADABLE, DONE, FAILED, PENDING }

  private HostclassRollout evaluate(Snapshot s, String hostclass, Plan plan, Instant now) throws IOException {
    Hostclass hc = s.repo().hostclasses().get(hostclass);
    Rollout rollout = hc.rolloutOrNone();
    List<String> order = plan.order();
    int n = order.size();
    List<Integer> ends = rollout.ends(n);
    Status[] status = new Status[n];
    Report[] report = new Report[n];
    int failures = 0;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String host = order.get(i);
      Report r = reports.get(host).orElse(null);
      report[i] = r;
      String target = plan.targets().get(host);
      if (r == null) {
        status[i] = Status.NEW;
      } else if (!r.verified() && s.repo().hosts().get(host).key() != null) {
        status[i] = Status.PENDING; // a host with a key counts only on reports it signed
      } else if (r.problem() != null) {
        status[i] = Status.UNREADABLE;
      } else if (target.equals(r.running()) && !r.failed()) {
        status[i] = Status.DONE;
      } else if (r.failed() && target.equals(r.tried())) {
        status[i] = Status.FAILED;
        failures++;
        failed.add(host);
      } else if (target.equals(r.running())) {
        status[i] = Status.DONE; // a failure of some other spec, and back on the target
      } else {
        status[i] = Status.PENDING;
      }
    }
    boolean halted = failures > rollout.maxFailures();
    int open = 1;
    Instant nextWaveAt = null;
    String nextWave = null;
    if (!rollout.paused() && !halted) {
      while (open < ends.size()) {
        int end = ends.get(open - 1);
        int waiting = 0;
        Instant lastDone = null;
        for (int i = 0; i < end; i++) {
          if (status[i] == Status.PENDING || status[i] == Status.UNREADABLE) {
            waiting++;
          } else if (status[i] == Status.DONE) {
            Instant at = report[i].runningSince() != null ? report[i].runningSince() : report[i].receivedAt();
            if (at != null && (lastDone == null || at.isAfter(lastDone))) {
              lastDone = at;
            }
          }
        }
        if (waiting > 0) {
          nextWave = "wave " + (open + 1) + " opens when the hosts of " + (open == 1 ? "wave 1" : "waves 1-" + open) + " are done: "
              + waiting + " pending";
          break;
        }
        if (lastDone != null && now.isBefore(lastDone.plus(rollout.soak()))) {
          nextWaveAt = lastDone.plus(rollout.soak());
          nextWave = "wave " + (open + 1) + " opens after the soak, at " + nextWaveAt.truncatedTo(ChronoUnit.SECONDS);
          break;
        }
        open++;
      }
    }
    int admittedEnd = ends.get(open - 1);
    Map<State, Integer> counts = new LinkedHashMap<>();
    for (State st : State.values()) {
      counts.put(st, 0);
    }
    List<HostRollout> hosts = new ArrayList<>(n);
    int wave = 0;
    boolean allDone = true;
    for (int i = 0; i < n; i++) {
      while (i >= ends.get(wave)) {
        wave++;
      }
      String host = order.get(i);
      boolean admitted;
      State state;
      String why;
      Report r = report[i];
      switch (status[i]) {
        case DONE -> {
          admitted = true;
          state = State.DONE;
          why = "target";
        }
        case NEW -> {
          admitted = true;
          state = State.PENDING;
          why = "target (never reported: admitted at once)";
          allDone = false;
        }
        case FAILED -> {
          admitted = false;
          state = State.FAILED;
          why = "held (this spec " + r.result() + " here" + (r.receivedAt() == null ? "" : " at "
              + r.receivedAt().truncatedTo(ChronoUnit.SECONDS)) + "; a commit that changes it is tried)";
          allDone = false;
        }
        case UNREADABLE -> {
          admitted = false;
          state = State.HELD;
          why = "held (its last report cannot be read: " + r.problem() + ")";
          allDone = false;
        }
        default -> {
          allDone = false;
          if (rollout.paused()) {
            admitted = false;
            why = "held (paused)";
          } else if (halted) {
            admitted = false;
            why = "held (halted: " + failures + " hosts failed, max_failures " + rollout.maxFailures() + ")";
          } else if (i < admittedEnd) {
            admitted = true;
            why = "target (wave " + (wave + 1) + " of " + ends.size() + ")";
          } else {
            admitted = false;
            why = "held (" + nextWave + ")";
          }
          state = admitted ? State.PENDING : State.HELD;
        }
      }
      counts.merge(state, 1, Integer::sum);
      hosts.add(new HostRollout(host, wave + 1, state, admitted, why, plan.targets().get(host), r));
    }
    String state;
    if (rollout.paused()) {
      state = "paused";
    } else if (halted) {
      state = "halted: " + failures + " hosts failed (max_failures " + rollout.maxFailures() + "): "
          + String.join(", ", failed.subList(0, Math.min(5, failed.size()))) + (failed.size() > 5 ? ", ..." : "");
    } else if (allDone) {
      state = "complete";
    } else if (nextWaveAt != null) {
      state = "soaking until " + nextWaveAt.truncatedTo(ChronoUnit.SECONDS);
    } else {
      state = "progressing";
    }
    Map<String, HostRollout> byHost = new HashMap<>();
    hosts.forEach(h -> byHost.put(h.host(), h));
    return new HostclassRollout(hostclass, s.commit(), rollout, hc.rollout() != null, ends, open, counts, halted, state,
        nextWaveAt, nextWave, List.copyOf(hosts), byHost);
  }
}
