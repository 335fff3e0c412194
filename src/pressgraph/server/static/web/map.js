// The map page: country outlines from the bundled Natural Earth GeoJSON (no tile server),
// located events and place mentions as clustered circle markers, each opening its record.
(function () {
  "use strict";
  const element = document.getElementById("map");
  const points = JSON.parse(document.getElementById("map-data").textContent);
  // Rows arrive as arrays under one list of column names; make them records again.
  function records(columns, rows) {
    return rows.map(function (row) {
      const record = {};
      columns.forEach(function (column, i) { record[column] = row[i]; });
      record.article_title = points.titles[record.article_id];
      return record;
    });
  }
  const events = records(points.event_columns, points.events);
  const places = records(points.place_columns, points.places);
  const map = L.map(element, { minZoom: 1, maxZoom: 12, worldCopyJump: true, preferCanvas: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Country outlines: Natural Earth");
  map.setView([15, 10], 2);
  // Events above places: their own pane over the marker pane (600) and below popups (700).
  map.createPane("pg-events").style.zIndex = 650;

  function line(label, value) {
    const p = document.createElement("p");
    if (label) {
      const b = document.createElement("strong");
      b.textContent = label + " ";
      p.appendChild(b);
    }
    p.appendChild(document.createTextNode(value));
    return p;
  }

  function popup(record, kind) {
    const box = document.createElement("div");
    if (kind === "event") {
      box.appendChild(line(record.event_type, record.text));
      if (record.actor_text || record.recipient_text) {
        box.appendChild(line("", [record.actor_text, record.recipient_text].filter(Boolean).join(" → ")));
      }
      box.appendChild(line("", [record.date || "undated", record.place_name].filter(Boolean).join(" · ")));
    } else {
      box.appendChild(line(record.name || record.text, "(" + (record.precision || "place") + (record.country_code ? ", " + record.country_code : "") + ")"));
    }
    const link = document.createElement("a");
    link.href = "/articles/" + encodeURIComponent(record.article_id) + "#r-" + encodeURIComponent(record.id);
    link.textContent = (record.article_title || record.article_id) + " ↗";
    const p = document.createElement("p");
    p.appendChild(link);
    box.appendChild(p);
    return box;
  }

  function cluster(records, kind, colour) {
    const group = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40,
      clusterPane: kind === "event" ? "pg-events" : "markerPane",
      iconCreateFunction: function (c) {
        const count = c.getChildCount();
        const size = count < 10 ? 26 : count < 100 ? 32 : 40;
        return L.divIcon({
          html: "<span>" + count + "</span>", iconSize: [size, size],
          className: "pg-cluster pg-cluster-" + kind,
        });
      },
    });
    const markers = records.map(function (record) {
      const marker = L.circleMarker([record.lat, record.lon], {
        radius: kind === "event" ? 7 : 5, color: "#fff", weight: 1, fillColor: colour,
        fillOpacity: 0.9, className: "pg-marker pg-" + kind,
        pane: kind === "event" ? "pg-events" : "overlayPane",
      });
      marker.bindPopup(function () { return popup(record, kind); });
      return marker;
    });
    group.addLayers(markers);
    return group;
  }

  const placeLayer = cluster(places, "place", "#1f5fa8");
  const eventLayer = cluster(events, "event", "#c62828");
  L.control.layers(null, { "Events": eventLayer, "Places": placeLayer }, { collapsed: false })
    .addTo(map);

  fetch(element.dataset.outlines, { mode: "cors", credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("country outlines: HTTP " + response.status); }
      return response.json();
    })
    .then(function (outlines) {
      L.geoJSON(outlines, {
        interactive: false,
        style: { color: "#8a97a6", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
      }).addTo(map);
      placeLayer.addTo(map);
      eventLayer.addTo(map);
      const located = events.concat(places).map(function (r) { return [r.lat, r.lon]; });
      if (located.length) { map.fitBounds(L.latLngBounds(located), { maxZoom: 6, padding: [20, 20] }); }
      document.body.dataset.ready = String(performance.now());
    });
})();
