package dev.roller.server.http;

import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.model.NameRule;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request as views see it: checked path names, query values, the format asked for, and its snapshot. */
final class Request {
  final HttpServerExchange exchange;
  private final Snapshots snapshots;

  Request(HttpServerExchange exchange, Snapshots snapshots) {
    this.exchange = exchange;
    this.snapshots = snapshots;
  }

  /** A path parameter checked against {@code rule}: a bad one is a 400, so no name ever reaches a path unchecked. */
  String name(String param, NameRule rule) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String value = match == null ? null : match.getParameters().get(param);
    String problem = rule.problem(value);
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return value;
  }

  /** Refuses a query key this view does not take: a 400 naming the ones it does (a typo is never ignored). */
  void strictQuery(java.util.Set<String> allowed) {
    io.undertow.util.PathTemplateMatch route = exchange.getAttachment(io.undertow.util.PathTemplateMatch.ATTACHMENT_KEY);
    java.util.Map<String, String> pathNames = route == null ? java.util.Map.of() : route.getParameters();
    for (String key : exchange.getQueryParameters().keySet()) {
      // The router puts the path's names ({fqdn}, {login}) among the query parameters too.
      if (!allowed.contains(key) && !pathNames.containsKey(key)) {
        throw ApiException.badRequest("unknown query key " + NameRule.quote(key) + ": this request takes "
            + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  /** A query parameter, or null; an optional name filter is checked like a path name. */
  String query(String param) {
    Deque<String> values = exchange.getQueryParameters().get(param);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  String queryName(String param, NameRule rule) {
    String value = query(param);
    if (value != null && rule.problem(value) != null) {
      throw ApiException.badRequest(param + ": " + rule.problem(value));
    }
    return value;
  }

  boolean flag(String param) {
    String value = query(param);
    return value != null && (value.equals("1") || value.equals("true") || value.isEmpty());
  }

  Render.Format format() {
    String format = query("format");
    if (format != null) {
      return switch (format) {
        case "json" -> Render.Format.JSON;
        case "yaml" -> Render.Format.YAML;
        default -> throw ApiException.badRequest("format must be yaml or json, not " + NameRule.quote(format));
      };
    }
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
    return accept != null && accept.contains("application/json") ? Render.Format.JSON : Render.Format.YAML;
  }

  /** A revision named in {@code ?param=} (a commit, branch or tag), checked before git sees it; or null. */
  String rev(String param) {
    String rev = query(param);
    if (rev != null && (rev.isEmpty() || rev.length() > 256 || !rev.matches("[A-Za-z0-9._/~^@{}-]+") || rev.contains(".."))) {
      throw ApiException.badRequest("bad " + param + " " + NameRule.quote(rev));
    }
    return rev;
  }

  /** The snapshot asked for: {@code ?rev=} or the one served. */
  Snapshot snapshot() {
    String rev = rev("rev");
    if (rev == null) {
      Snapshot current = snapshots.current();
      if (current == null) {
        throw new ApiException(503, "no valid commit of the config repo yet: see /health");
      }
      return current;
    }
    try {
      return snapshots.at(rev);
    } catch (ConfigRepoException e) {
      if (e.problems().isEmpty()) {
        throw ApiException.notFound(e.getMessage());
      }
      throw new ApiException(422, "commit " + rev + " is invalid and is never served: " + e.problems().get(0)
          + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""));
    }
  }

  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
