package dev.roller.pkg.tar;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.ManifestParser;
import dev.roller.pkg.render.PackageRenderer;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a tarball without extracting it: checks every entry with the rules extraction applies,
 * reads and validates its manifest, and computes its sha256. Used by {@code roller-pkg inspect}
 * and by the config server before it stores a published package.
 */
public final class TarballInspector {
  private static final int MAX_MANIFEST = 1 << 20;

  private TarballInspector() {}

  /** The most the templates of one package may hold, all together, when they are read. */
  static final long MAX_TEMPLATES = 16 << 20;

  public static Inspection inspect(InputStream tarball, SafeExtractor.Limits limits) throws PackageException, IOException {
    return inspect(tarball, limits, false);
  }

  /** As above; with {@code templates}, each template's text is read too (what the config server renders to predict). */
  public static Inspection inspect(InputStream tarball, SafeExtractor.Limits limits, boolean templates)
      throws PackageException, IOException {
    List<PackageRenderer.Template> texts = new ArrayList<>();
    long templateBytes = 0;
    MessageDigest digest = Sha256.newDigest();
    EntryValidator validator = new EntryValidator(limits);
    List<Inspection.Entry> entries = new ArrayList<>();
    Manifest manifest = null;
    long size;
    try (InflatingPipe tarStream = new InflatingPipe(tarball, digest)) {
      TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, 512, 512, "UTF-8"); // block 512: the padding after the end is checked by drain(), not skipped unseen
      TarArchiveEntry entry;
      while ((entry = CorruptTarballException.nextEntry(tar)) != null) {
        EntryValidator.Checked checked = validator.check(entry);
        String link = switch (checked.kind()) {
          case SYMLINK -> entry.getLinkName();
          case HARDLINK -> checked.hardLinkTarget();
          default -> null;
        };
        entries.add(new Inspection.Entry(checked.path(), checked.kind().name().toLowerCase(Locale.ROOT),
            entry.getMode() & 07777, checked.kind() == EntryValidator.Kind.FILE ? entry.getSize() : 0, link));
        if (checked.path().equals(Manifest.PATH) && checked.kind() == EntryValidator.Kind.FILE) {
          if (entry.getSize() > MAX_MANIFEST) {
            throw new PackageException(Manifest.PATH + " is larger than " + MAX_MANIFEST + " bytes");
          }
          manifest = ManifestParser.parse(tar.readAllBytes(), Manifest.PATH);
        } else if (templates && checked.kind() == EntryValidator.Kind.FILE && checked.path().endsWith(TreeRules.TEMPLATE_SUFFIX)) {
          templateBytes += entry.getSize();
          if (templateBytes > MAX_TEMPLATES) {
            throw new PackageException("its templates hold more than " + MAX_TEMPLATES + " bytes");
          }
          String path = checked.path().substring(0, checked.path().length() - TreeRules.TEMPLATE_SUFFIX.length());
          texts.add(new PackageRenderer.Template(path, new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        }
      }
      tarStream.drain();
      size = tarStream.compressedBytes();
    } catch (CorruptTarballException e) {
      throw new PackageException("not a valid .tar.gz (" + e.getMessage() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new PackageException("refused: " + e.getMessage(), e);
    }
    if (manifest == null) {
      throw new PackageException("no " + Manifest.PATH + " in the tarball: not a Roller package");
    }
    return new Inspection(manifest, Sha256.of(digest), size, entries, texts);
  }
}
