package dev.roller.pkg.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What moving a host from one set of rendered packages to another does (one generation to the
 * next in roll; a host at two commits in the config server's impact prediction): packages added,
 * removed and changed; services to stop (in reverse start order), to start (in start order) and to
 * reload; activate hooks to run. A service restarts when its package changed, when its rendered command or health
 * check changed, or when its package's rendered files changed and it has no reload command; it is
 * reloaded when only its package's rendered files changed and it has one.
 */
public record Plan(
    List<String> packages,
    List<ServiceUnit> stop,
    List<ServiceUnit> start,
    List<ServiceUnit> reload,
    List<Hook> activate,
    Map<String, String> reasons) {

  /** An activate hook: the package it belongs to and its rendered command. */
  public record Hook(String pkg, String command) {}

  public Plan {
    packages = List.copyOf(packages);
    stop = List.copyOf(stop);
    start = List.copyOf(start);
    reload = List.copyOf(reload);
    activate = List.copyOf(activate);
    reasons = Map.copyOf(reasons);
  }

  /**
   * The plan from {@code from} (null for a host roll has not built yet) to {@code to}, packages in
   * start order; {@code running} tells which services run now (an unchanged service that is down
   * is started).
   */
  public static Plan between(List<RenderedPackage> from, List<RenderedPackage> to, boolean restartAll,
      Predicate<String> running) {
    List<String> packages = new ArrayList<>();
    List<RenderedPackage> old = from == null ? List.of() : from;
    for (RenderedPackage p : to) {
      RenderedPackage before = pkg(old, p.ref().name());
      if (before == null) {
        packages.add("add " + p.ref());
      } else if (!before.ref().version().equals(p.ref().version())) {
        packages.add("change " + p.ref().name() + " " + before.ref().version() + " -> " + p.ref().version());
      } else if (!before.sha256().equals(p.sha256())) {
        packages.add("change " + p.ref() + " (rebuilt: sha256 " + before.sha256().hex().substring(0, 12) + " -> "
            + p.sha256().hex().substring(0, 12) + ")");
      }
    }
    for (RenderedPackage p : old) {
      if (pkg(to, p.ref().name()) == null) {
        packages.add("remove " + p.ref());
      }
    }

    Map<String, String> reasons = new LinkedHashMap<>();
    List<ServiceUnit> stop = new ArrayList<>();
    List<ServiceUnit> start = new ArrayList<>();
    List<ServiceUnit> reload = new ArrayList<>();
    Map<String, ServiceUnit> oldUnits = new LinkedHashMap<>();
    services(old).forEach(u -> oldUnits.put(u.name(), u));
    List<String> restarted = new ArrayList<>();
    for (RenderedPackage p : to) {
      RenderedPackage before = pkg(old, p.ref().name());
      for (ServiceUnit u : p.services()) {
        ServiceUnit was = oldUnits.get(u.name());
        RenderedPackage wasIn = owner(old, u.name());
        String why = null;
        boolean restart = false;
        if (was == null) {
          why = "new";
        } else if (restartAll) {
          why = "--restart-all";
          restart = true;
        } else if (!wasIn.ref().name().equals(p.ref().name()) || !wasIn.sha256().equals(p.sha256())) {
          why = "package " + p.ref().name() + " changed";
          restart = true;
        } else if (!was.equals(u)) {
          why = "its command, stop timeout, reload or health check changed";
          restart = true;
        } else if (before != null && !before.rendered().equals(p.rendered())) {
          if (u.reload() != null && running.test(u.name())) {
            reload.add(u);
            reasons.put(u.name(), "reload: rendered config of " + p.ref().name() + " changed");
            continue;
          }
          why = "rendered config of " + p.ref().name() + " changed and it has no reload";
          restart = true;
        } else if (!running.test(u.name())) {
          why = "was not running";
        }
        if (why == null) {
          continue;
        }
        if (restart) {
          restarted.add(u.name());
          reasons.put(u.name(), "restart: " + why);
        } else {
          reasons.put(u.name(), "start: " + why);
        }
        start.add(u);
      }
    }
    List<ServiceUnit> oldOrder = services(old);
    for (int i = oldOrder.size() - 1; i >= 0; i--) {
      ServiceUnit u = oldOrder.get(i);
      if (restarted.contains(u.name())) {
        stop.add(u);
      } else if (owner(to, u.name()) == null) {
        stop.add(u);
        reasons.put(u.name(), "stop: removed");
      }
    }

    List<Hook> activate = new ArrayList<>();
    for (RenderedPackage p : to) {
      RenderedPackage before = pkg(old, p.ref().name());
      boolean changed = before == null || restartAll || !before.sha256().equals(p.sha256())
          || !before.rendered().equals(p.rendered()) || !Objects.equals(before.activate(), p.activate());
      if (changed && p.activate() != null) {
        activate.add(new Hook(p.ref().toString(), p.activate()));
      }
    }
    return new Plan(packages, stop, start, reload, activate, reasons);
  }

  /** Every service of {@code packages}, in start order (package order, then manifest order). */
  public static List<ServiceUnit> services(List<RenderedPackage> packages) {
    List<ServiceUnit> out = new ArrayList<>();
    packages.forEach(p -> out.addAll(p.services()));
    return out;
  }

  /** The package named {@code name}, or null. */
  public static RenderedPackage pkg(List<RenderedPackage> packages, String name) {
    for (RenderedPackage p : packages) {
      if (p.ref().name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The package that ships the service named {@code service}, or null. */
  public static RenderedPackage owner(List<RenderedPackage> packages, String service) {
    for (RenderedPackage p : packages) {
      for (ServiceUnit u : p.services()) {
        if (u.name().equals(service)) {
          return p;
        }
      }
    }
    return null;
  }

  /** Whether the plan changes nothing at all. */
  public boolean empty() {
    return packages.isEmpty() && stop.isEmpty() && start.isEmpty() && reload.isEmpty() && activate.isEmpty();
  }

  /** Names of units, for the journal. */
  public static List<String> names(List<ServiceUnit> units) {
    return units.stream().map(ServiceUnit::name).toList();
  }
}
