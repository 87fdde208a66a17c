package dev.roller.repo.model;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Orders versions for display: runs of digits compare as numbers, other runs as text, so {@code
 * 1.9 < 1.10}. Only for listing; Roller never picks a version by order, versions are exact.
 */
public final class VersionOrder implements Comparator<String> {
  public static final VersionOrder INSTANCE = new VersionOrder();

  private VersionOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int iEnd = runEnd(a, i);
      int jEnd = runEnd(b, j);
      String x = a.substring(i, iEnd);
      String y = b.substring(j, jEnd);
      boolean xDigits = Character.isDigit(x.charAt(0));
      boolean yDigits = Character.isDigit(y.charAt(0));
      int c;
      if (xDigits && yDigits) {
        c = new BigInteger(x).compareTo(new BigInteger(y));
      } else if (xDigits != yDigits) {
        c = xDigits ? 1 : -1;
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
      i = iEnd;
      j = jEnd;
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  private static int runEnd(String s, int start) {
    boolean digits = Character.isDigit(s.charAt(start));
    int end = start + 1;
    while (end < s.length() && Character.isDigit(s.charAt(end)) == digits) {
      end++;
    }
    return end;
  }
}
