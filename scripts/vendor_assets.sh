#!/usr/bin/env bash
# Fetch the web UI's third-party assets from the npm registry and copy their built files into
# src/pressgraph/server/static/vendor/ (committed: the UI never loads anything from the
# network). Run it only to change a version; it needs node and npm, the UI does not.
#
#   package                 version  licence        what is kept
#   leaflet                 1.9.4    BSD-2-Clause   dist/leaflet.js, leaflet.css, images/
#   leaflet.markercluster   1.5.3    MIT            dist/leaflet.markercluster.js, two css
#   vega                    6.4.0    BSD-3-Clause   build/vega.min.js
#   vega-lite               6.5.0    BSD-3-Clause   build/vega-lite.min.js
#   world-atlas             2.0.2    ISC (data: Natural Earth, public domain)
#                                                   countries-110m.json, as GeoJSON
#   topojson-client         3.1.0    ISC            used here only, to write that GeoJSON
#   swagger-ui-dist         5.36.0   Apache-2.0     swagger-ui-bundle.js, swagger-ui.css,
#                                                   favicon-32x32.png (the API docs at /docs),
#                                                   LICENSE, NOTICE, the bundle's licences
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/pressgraph/server/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PACKAGES=(leaflet@1.9.4 leaflet.markercluster@1.5.3 vega@6.4.0 vega-lite@6.5.0
          world-atlas@2.0.2 topojson-client@3.1.0 swagger-ui-dist@5.36.0)
(cd "$WORK" && npm pack --silent "${PACKAGES[@]}" >/dev/null)
for tarball in "$WORK"/*.tgz; do
    name=$(basename "$tarball" .tgz)
    mkdir -p "$WORK/$name"
    tar xzf "$tarball" -C "$WORK/$name" --strip-components=1
done

rm -rf "$OUT"
mkdir -p "$OUT"/leaflet/images "$OUT"/leaflet.markercluster "$OUT"/vega "$OUT"/natural-earth \
         "$OUT"/swagger-ui
cp "$WORK"/leaflet-1.9.4/dist/leaflet.js "$WORK"/leaflet-1.9.4/dist/leaflet.css "$OUT"/leaflet/
cp "$WORK"/leaflet-1.9.4/dist/images/*.png "$OUT"/leaflet/images/
cp "$WORK"/leaflet-1.9.4/LICENSE "$OUT"/leaflet/LICENSE.txt
cp "$WORK"/leaflet.markercluster-1.5.3/dist/leaflet.markercluster.js \
   "$WORK"/leaflet.markercluster-1.5.3/dist/MarkerCluster.css \
   "$WORK"/leaflet.markercluster-1.5.3/dist/MarkerCluster.Default.css "$OUT"/leaflet.markercluster/
cp "$WORK"/leaflet.markercluster-1.5.3/MIT-LICENCE.txt "$OUT"/leaflet.markercluster/LICENSE.txt
cp "$WORK"/vega-6.4.0/build/vega.min.js "$WORK"/vega-lite-6.5.0/build/vega-lite.min.js "$OUT"/vega/
cp "$WORK"/vega-6.4.0/LICENSE "$OUT"/vega/LICENSE-vega.txt
cp "$WORK"/vega-lite-6.5.0/LICENSE "$OUT"/vega/LICENSE-vega-lite.txt
cp "$WORK"/swagger-ui-dist-5.36.0/swagger-ui-bundle.js "$WORK"/swagger-ui-dist-5.36.0/swagger-ui.css \
   "$WORK"/swagger-ui-dist-5.36.0/favicon-32x32.png "$OUT"/swagger-ui/
# Apache-2.0 asks for its NOTICE too; the bundle's header names its third-party licences file.
cp "$WORK"/swagger-ui-dist-5.36.0/LICENSE "$OUT"/swagger-ui/LICENSE.txt
cp "$WORK"/swagger-ui-dist-5.36.0/NOTICE "$OUT"/swagger-ui/NOTICE.txt
cp "$WORK"/swagger-ui-dist-5.36.0/swagger-ui-bundle.js.LICENSE.txt "$OUT"/swagger-ui/
# The source-map comments point at files not shipped; drop them so browsers do not ask.
sed -i '/^\/\/# sourceMappingURL=/d' "$OUT"/leaflet/leaflet.js "$OUT"/vega/*.min.js \
    "$OUT"/leaflet.markercluster/leaflet.markercluster.js "$OUT"/swagger-ui/swagger-ui-bundle.js
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "$OUT"/swagger-ui/swagger-ui.css

# Country outlines: TopoJSON -> GeoJSON once here, so the page loads no topojson decoder.
# Two decimals (about 1 km) is finer than the 1:110m outlines themselves.
node - "$WORK" "$OUT/natural-earth/countries-110m.geojson" <<'JS'
const [work, out] = process.argv.slice(2);
const fs = require("fs");
const topojson = require(`${work}/topojson-client-3.1.0/dist/topojson-client.js`);
const topology = JSON.parse(fs.readFileSync(`${work}/world-atlas-2.0.2/countries-110m.json`));
const collection = topojson.feature(topology, topology.objects.countries);
const round = (c) => (typeof c[0] === "number" ? c.map((v) => Math.round(v * 100) / 100)
                                               : c.map(round));
for (const feature of collection.features) {
  feature.geometry.coordinates = round(feature.geometry.coordinates);
  feature.properties = { name: feature.properties.name };
}
fs.writeFileSync(out, JSON.stringify(collection));
JS
cp "$WORK"/world-atlas-2.0.2/LICENSE "$OUT"/natural-earth/LICENSE-world-atlas.txt
cat > "$OUT"/natural-earth/SOURCE.txt <<'TXT'
countries-110m.geojson: Natural Earth 1:110m Admin 0 countries (public domain,
https://www.naturalearthdata.com/), from the npm package world-atlas 2.0.2 (ISC, Mike
Bostock), converted from TopoJSON with topojson-client 3.1.0 (ISC) by
scripts/vendor_assets.sh; coordinates rounded to two decimals, only the name property kept.
TXT
printf '%s\n' "${PACKAGES[@]}" > "$OUT"/VERSIONS.txt
find "$OUT" -type f -exec chmod 644 {} +
du -sh "$OUT"
