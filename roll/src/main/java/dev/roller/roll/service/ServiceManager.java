package dev.roller.roll.service;

import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.RollException;

/** Starts, stops and reloads services. Implementations: {@link ExecServiceManager}, {@link SystemdServiceManager}. */
public interface ServiceManager {
  /** Starts {@code unit} (a no-op if it already runs). */
  void start(ServiceUnit unit) throws RollException;

  /** Stops {@code unit}: politely, then by force after its stop timeout. A no-op if it is not running. */
  void stop(ServiceUnit unit) throws RollException;

  /** Runs {@code unit}'s reload command. */
  void reload(ServiceUnit unit) throws RollException;

  /** Whether the service named {@code name} is running. */
  boolean running(String name);

  /** The main processes of the services running now (gc keeps the generations they run in). */
  java.util.List<Long> pids();
}
