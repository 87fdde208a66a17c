package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.Plan;
import dev.roller.roll.RollException;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Finishes or undoes what a killed roll left, from its journal. Before the switch the roll is
 * undone: the unfinished generation dropped, the services it had stopped started again. After the
 * switch it is finished: activate hooks, starts and reloads redone (each is idempotent), health
 * checked, and rolled back if that fails. A roll killed while rolling back finishes rolling back.
 */
final class Recovery {
  private final Transition transition;
  private final HostLayout layout;
  private final Generations generations;
  private final Log log;

  Recovery(Transition transition, HostLayout layout, Generations generations, Log log) {
    this.transition = transition;
    this.layout = layout;
    this.generations = generations;
    this.log = log;
  }

  void run() throws RollException {
    Journal j = Journal.read(layout.journal());
    if (j == null) {
      return;
    }
    log.warn("an interrupted roll left a journal (" + j.op() + " from generation " + j.from() + " to " + j.to()
        + ", at " + j.phase().key() + "): " + (j.phase().mayBeSwitched() ? "finishing or undoing it" : "undoing it"));
    try {
      int current = generations.current().orElse(-1);
      GenerationRecord fromRec = record(j.from());
      GenerationRecord toRec = record(j.to());
      boolean switched = j.phase().mayBeSwitched() && current == j.to();
      switch (j.phase()) {
        case BUILDING -> {
          generations.removeLeftovers();
          if (current != j.to() && j.op().equals("apply")) {
            generations.delete(j.to());
          }
          Journal.clear(layout.journal());
          log.info("dropped the unfinished generation " + j.to() + "; still on generation " + current);
        }
        case ROLLING_BACK -> end(transition.rollBack(j, fromRec, toRec, "an interrupted roll failed"));
        default -> {
          if (!switched) {
            if (current != j.from()) {
              generations.switchTo(j.from());
            }
            transition.undoStops(fromRec, j.stopped(), j.op().equals("apply") ? j.to() : -1);
            Journal.clear(layout.journal());
            log.info("undid the interrupted roll; on generation " + j.from());
            return;
          }
          Journal.Phase resume = j.phase() == Journal.Phase.SWITCHING ? Journal.Phase.ACTIVATING : j.phase();
          List<Plan.Hook> hooks = toRec == null ? List.of() : GenerationRecord.plan(fromRec, toRec, false, s -> true).activate();
          String failure = transition.finish(j.at(resume), toRec, hooks);
          if (failure == null) {
            Journal.clear(layout.journal());
            log.info("finished the interrupted roll; on generation " + j.to());
          } else {
            log.warn(failure);
            end(transition.rollBack(j, fromRec, toRec, failure));
          }
        }
      }
    } catch (IOException e) {
      throw new RollException("cannot recover from the interrupted roll: " + e.getMessage()
          + " (journal " + layout.journal() + ")", e);
    }
  }

  private void end(Outcome outcome) throws RollException {
    if (outcome.exitCode() == Outcome.NEEDS_A_PERSON) {
      throw new RollException(outcome.message());
    }
    log.warn(outcome.message());
  }

  private GenerationRecord record(int n) throws RollException {
    if (n < 0 || !Files.isDirectory(layout.generation(n))) {
      return null;
    }
    return GenerationRecord.read(layout.generation(n));
  }
}
