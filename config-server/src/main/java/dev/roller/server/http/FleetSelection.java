package dev.roller.server.http;

import dev.roller.repo.model.NameRule;
import dev.roller.server.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fleet request selects ({@code ?state=&hostclass=&datacenter=&page=}), checked against the
 * commit: any filter may be null; {@code page} counts from 1.
 */
record FleetSelection(Fleet.State state, String hostclass, String datacenter, int page) {
  static FleetSelection of(Request r, Snapshot s, Fleet.State byDefault) {
    String stateName = r.query("state");
    Fleet.State state = byDefault;
    if (stateName != null) {
      state = stateName.equals("any") ? null : Fleet.State.named(stateName);
      if (state == null && !stateName.equals("any")) {
        List<String> names = new ArrayList<>();
        for (Fleet.State st : Fleet.State.values()) {
          names.add(st.slug());
        }
        names.add("any");
        throw ApiException.badRequest("'state' must be one of " + names + ", got " + NameRule.quote(stateName));
      }
    }
    String hostclass = r.queryName("hostclass", NameRule.HOSTCLASS);
    if (hostclass != null && !s.repo().hostclasses().containsKey(hostclass)) {
      throw ApiException.notFound("no hostclass " + NameRule.quote(hostclass));
    }
    String datacenter = r.queryName("datacenter", NameRule.DATACENTER);
    if (datacenter != null && !s.repo().datacenters().containsKey(datacenter)) {
      throw ApiException.notFound("no datacenter " + NameRule.quote(datacenter));
    }
    int page = 1;
    String asked = r.query("page");
    if (asked != null) {
      try {
        page = Integer.parseInt(asked);
      } catch (NumberFormatException e) {
        page = 0;
      }
      if (page < 1) {
        throw ApiException.badRequest("'page' must be a whole number from 1, got " + NameRule.quote(asked));
      }
    }
    return new FleetSelection(state, hostclass, datacenter, page);
  }

  /** This selection's URL on {@code path}, at {@code page}. */
  String url(String path, int page) {
    StringBuilder q = new StringBuilder();
    if (state != null) {
      q.append("&state=").append(state.slug());
    }
    if (hostclass != null) {
      q.append("&hostclass=").append(Html.enc(hostclass));
    }
    if (datacenter != null) {
      q.append("&datacenter=").append(Html.enc(datacenter));
    }
    if (page > 1) {
      q.append("&page=").append(page);
    }
    return q.length() == 0 ? path : path + "?" + q.substring(1);
  }
}
