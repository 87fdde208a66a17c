package dev.roller.server.cli;

import java.util.Locale;
import picocli.CommandLine;

/** A size on the command line: bytes, or with KiB, MiB or GiB (1MiB, 512KiB, 1048576). */
final class ByteSize implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] suffix : new String[][] {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"b", "1"}}) {
      if (v.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        v = v.substring(0, v.length() - suffix[0].length()).strip();
        break;
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n < 1 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("not a size: '" + value + "' (write e.g. 1MiB, 512KiB or 1048576)");
    }
  }
}
