package dev.roller.roll.cli;

import dev.roller.repo.spec.Spec;
import dev.roller.roll.apply.Applier;
import java.io.PrintWriter;

/**
 * Download progress: on a terminal a bar redrawn in place ({@code [#####     ] 3/5 packages, 12.0/40.0
 * MiB}); elsewhere (cron, a pipe) one plain line per package.
 */
final class ProgressBar implements Applier.Progress {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private int total;
  private long totalBytes;
  private int done;
  private long doneBytes;

  ProgressBar(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public synchronized void start(int packages, long bytes) {
    total = packages;
    totalBytes = bytes;
    done = 0;
    doneBytes = 0;
    if (terminal) {
      draw();
    } else {
      out.println("fetching " + packages + " package" + (packages == 1 ? "" : "s") + " (" + mib(bytes) + " MiB)");
      out.flush();
    }
  }

  @Override
  public synchronized void ready(Spec.Package p) {
    done++;
    doneBytes += p.size();
    if (terminal) {
      draw();
    } else {
      out.println("fetched " + p.ref() + " (" + mib(p.size()) + " MiB, sha256 verified)");
      out.flush();
    }
  }

  @Override
  public synchronized void done() {
    if (terminal) {
      out.print("\n");
      out.flush();
    }
  }

  private void draw() {
    int filled = totalBytes == 0 ? WIDTH * done / Math.max(1, total) : (int) (WIDTH * doneBytes / totalBytes);
    out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " packages, "
        + mib(doneBytes) + "/" + mib(totalBytes) + " MiB");
    out.flush();
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
  }
}
