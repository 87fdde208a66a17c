package dev.roller.server.rollout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roller.repo.model.NameRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The compacted report index's format ({@code index/reports.json.gz}, DESIGN §10): one gzipped
 * JSON object, {@code {"format": "roller-report-index/1", "written_at": ..., "reports": [{"host",
 * "tag", "report"}, ...]}}, read as a stream (100,000 reports are about 3 MB gzipped). An entry
 * whose host is not a host name, or that lacks its tag or report, spoils the whole object: it was
 * not written by a server, so none of it is used.
 */
final class CompactedReports {
  static final String FORMAT = "roller-report-index/1";
  /** The most the compacted index may be, gzipped (100,000 reports are about 3 MB). */
  static final long MAX_BYTES = 256L << 20;
  private static final int MAX_EXPANDED = 1 << 30;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(MAX_EXPANDED).build()).build());

  private CompactedReports() {}

  /** Where {@link #read} puts each entry. */
  interface Entries {
    void add(String host, String tag, Map<?, ?> report);
  }

  /** Hands every entry of {@code gzipped} to {@code into}; returns how many there were. */
  static int read(byte[] gzipped, Entries into) throws IOException {
    int n = 0;
    try (JsonParser p = JSON.createParser(new GZIPInputStream(new ByteArrayInputStream(gzipped), 1 << 16))) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("format")) {
          if (!FORMAT.equals(p.getValueAsString())) {
            throw new IOException("its format is " + p.getText() + ", not " + FORMAT);
          }
        } else if (field.equals("reports")) {
          expect(value, JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<?, ?> entry = p.readValueAs(Map.class);
            if (!(entry.get("host") instanceof String host) || !NameRule.HOST.matches(host)
                || !(entry.get("tag") instanceof String tag) || !(entry.get("report") instanceof Map<?, ?> doc)) {
              throw new IOException("entry " + (n + 1) + " is not a host, a tag and a report");
            }
            into.add(host, tag, doc);
            n++;
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return n;
  }

  private static void expect(JsonToken got, JsonToken want) throws IOException {
    if (got != want) {
      throw new IOException("expected " + want + ", found " + got);
    }
  }

  /** One host's latest report as the index holds it, with the store's tag for it. */
  record Entry(String host, String tag, Object report) {}

  /** The compacted object, gzipped, holding {@code entries}. */
  static byte[] write(java.util.List<Entry> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    try (JsonGenerator g = JSON.createGenerator(new GZIPOutputStream(out, 1 << 16))) {
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeStringField("written_at", Instant.now().toString());
      g.writeArrayFieldStart("reports");
      for (Entry e : entries) {
        g.writeStartObject();
        g.writeStringField("host", e.host());
        g.writeStringField("tag", e.tag());
        g.writeObjectField("report", e.report());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
