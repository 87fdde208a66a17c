package dev.roller.repo.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostclass's {@code rollout:} (DESIGN §8): how a change reaches its hosts. {@code waves} are
 * cumulative prefixes of the hostclass's hosts in their stable order, each a count of hosts or a
 * share of them; hosts past the last wave form one more, so a rollout always reaches every host.
 * A wave opens when every host before it is done, the last of them at least {@code soak} ago, and
 * no more than {@code maxFailures} hosts have failed; {@code paused} admits nobody.
 */
public record Rollout(List<Wave> waves, Duration soak, int maxFailures, boolean paused) {
  /** Every host at once: the rollout of a hostclass without {@code rollout:} (failed hosts are still held). */
  public static final Rollout NONE = new Rollout(List.of(Wave.share(100)), Duration.ZERO, Integer.MAX_VALUE, false);

  /** One wave: {@code count} hosts, or {@code percent} of them (exactly one is non-zero). */
  public record Wave(int count, int percent) {
    public static Wave hosts(int count) {
      return new Wave(count, 0);
    }

    public static Wave share(int percent) {
      return new Wave(0, percent);
    }

    /** How many of {@code hosts} this wave reaches (a share rounds up: 1% of 50 hosts is 1). */
    public int of(int hosts) {
      return count > 0 ? Math.min(count, hosts) : (int) Math.min(hosts, ((long) hosts * percent + 99) / 100);
    }

    @Override
    public String toString() {
      return count > 0 ? String.valueOf(count) : percent + "%";
    }
  }

  public Rollout {
    waves = List.copyOf(waves);
  }

  /** How it reads in a summary: {@code waves 1, 10%, 100%; soak 5m; max_failures 1} (and {@code ; paused}). */
  public String describe() {
    String soakText = soak.isZero() ? "0s" : soak.toSeconds() % 60 == 0 ? soak.toMinutes() + "m" : soak.toSeconds() + "s";
    return "waves " + waves.toString().replaceAll("[\\[\\]]", "") + "; soak " + soakText + "; max_failures " + maxFailures
        + (paused ? "; paused" : "");
  }

  /**
   * Where each wave ends in a hostclass of {@code hosts} hosts: rising cumulative sizes, the last
   * one {@code hosts} (waves that reach no further than the one before are left out).
   */
  public List<Integer> ends(int hosts) {
    List<Integer> out = new ArrayList<>();
    for (Wave w : waves) {
      int end = w.of(hosts);
      if (end > 0 && (out.isEmpty() || end > out.get(out.size() - 1))) {
        out.add(end);
      }
    }
    if (out.isEmpty() || out.get(out.size() - 1) < hosts) {
      out.add(hosts);
    }
    return out;
  }
}
