// The article page: show the records under a highlighted span, follow #r-ID links to a
// record, and let the legend switch kinds of highlight off.
(function () {
  "use strict";
  const details = JSON.parse(document.getElementById("record-details").textContent);
  const panel = document.getElementById("record-panel");
  const text = document.getElementById("article-text");
  let pinned = null;

  function actorLink(id) {
    const a = document.createElement("a");
    a.href = "/actors/" + encodeURIComponent(id);
    a.textContent = id;
    return a;
  }

  function value(key, v) {
    if ((key === "actor_id" || key === "speaker_actor_id" || key === "claimant_actor_id" ||
         key === "recipient_id" || key === "canonical_id") && typeof v === "string") {
      return actorLink(v);
    }
    return document.createTextNode(typeof v === "object" ? JSON.stringify(v) : String(v));
  }

  function show(ids) {
    panel.replaceChildren();
    ids.forEach(function (id) {
      const record = details[id];
      if (!record) { return; }
      const box = document.createElement("div");
      box.className = "record";
      const title = document.createElement("h4");
      title.className = "k-" + record.kind;
      title.textContent = record.kind + " · " + record.extractor;
      box.appendChild(title);
      const list = document.createElement("dl");
      const rows = [["span", record.start + "–" + record.end], ["id", id]];
      Object.keys(record.fields).forEach(function (k) { rows.push([k, record.fields[k]]); });
      rows.forEach(function (row) {
        const dt = document.createElement("dt");
        dt.textContent = row[0];
        const dd = document.createElement("dd");
        dd.appendChild(value(row[0], row[1]));
        list.append(dt, dd);
      });
      box.appendChild(list);
      panel.appendChild(box);
    });
  }

  function idsOf(mark) { return mark.dataset.r.split(" "); }

  text.addEventListener("mouseover", function (event) {
    const mark = event.target.closest("mark.hl");
    if (mark && !pinned) { show(idsOf(mark)); }
  });
  text.addEventListener("click", function (event) {
    const mark = event.target.closest("mark.hl");
    if (pinned) { pinned.classList.remove("active"); }
    pinned = mark && mark !== pinned ? mark : null;
    if (pinned) { pinned.classList.add("active"); show(idsOf(pinned)); }
  });

  function focusHash() {
    text.querySelectorAll("mark.focus").forEach(function (m) { m.classList.remove("focus"); });
    const match = /^#r-(.+)$/.exec(decodeURIComponent(location.hash));
    if (!match || !details[match[1]]) { return; }
    const id = match[1];
    const marks = Array.prototype.filter.call(text.querySelectorAll("mark.hl"), function (m) {
      return idsOf(m).indexOf(id) >= 0;
    });
    marks.forEach(function (m) { m.classList.add("focus"); });
    show([id]);
    if (marks.length) { marks[0].scrollIntoView({ block: "center" }); }
  }
  window.addEventListener("hashchange", focusHash);
  focusHash();

  document.getElementById("legend").addEventListener("change", function (event) {
    document.body.classList.toggle("hide-" + event.target.value, !event.target.checked);
  });
  document.body.dataset.ready = String(performance.now());
})();
