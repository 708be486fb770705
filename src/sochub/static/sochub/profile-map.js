// The local profile map: Leaflet (served locally) draws the areas and points the page names in
// data-areas-src and data-points-src, coloured with the palette in data-palette (the same colours as the
// key the server draws). No background tiles unless the page names a tile server. Without JavaScript, or
// if the data cannot be fetched, the tables below the map give the same information.
// CSP: nothing here writes inline style attributes or HTML from the data (popups are built with textContent).
import * as L from "/assets/leaflet/leaflet-src.esm.js";

const NOT_SIGNIFICANT = "not significant";
const NO_PATTERN = "no pattern detected";
const OCG_LAYER = "ocg addresses";

function escapeText(text) {
  const holder = document.createElement("span");
  holder.textContent = text;
  return holder.innerHTML;
}

const FIGURES = [
  ["place", "Place"],
  ["area_id", "Area"],
  ["count", "Crimes and ASB"],
  ["harm", "Harm score"],
  ["soc_count", "SOC-related crimes"],
  ["hotspot_class", "Hot spot (all crime)"],
  ["hotspot_class_harm", "Hot spot (harm)"],
  ["hotspot_class_soc", "Hot spot (SOC-related)"],
  ["pattern", "Emerging pattern"],
  ["trend", "Trend"],
  ["concern_rank", "Area of concern rank"],
  ["lsoa_code", "LSOA"],
  ["population", "Population"],
  ["rate_per_1000", "Crimes per 1,000 people"],
  ["imd_decile", "Deprivation decile (1 = most deprived)"],
];

function format(value) {
  if (typeof value === "number") {
    return Number.isInteger(value) ? value.toLocaleString("en-GB") : value.toLocaleString("en-GB", { maximumFractionDigits: 1 });
  }
  return String(value);
}

function popupFor(properties) {
  const box = document.createElement("div");
  const title = document.createElement("p");
  title.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1";
  title.textContent = properties.place || properties.area_id || "Area";
  const list = document.createElement("dl");
  list.className = "govuk-body-s govuk-!-margin-bottom-0";
  const add = (label, value) => {
    const dt = document.createElement("dt");
    dt.className = "govuk-!-font-weight-bold";
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.className = "govuk-!-margin-left-0 govuk-!-margin-bottom-1";
    dd.textContent = format(value);
    list.append(dt, dd);
  };
  for (const [key, label] of FIGURES) {
    const value = properties[key];
    if (value !== null && value !== undefined && value !== "") add(label, value);
  }
  for (const [key, value] of Object.entries(properties)) {
    if (key.startsWith("points_") && value !== null && value !== undefined) {
      const name = key.slice("points_".length);
      add(name === OCG_LAYER ? "OCG addresses (count only)" : `${name} (count)`, value);
    }
  }
  box.append(title, list);
  return box;
}

function areaStyle(colour) {
  return { color: "#0b0c0c", weight: 0.5, opacity: 0.8, fillColor: colour, fillOpacity: 0.65 };
}

function areaLayer(features, pick, colourOf) {
  const chosen = features.filter((f) => pick(f.properties));
  return L.geoJSON({ type: "FeatureCollection", features: chosen }, {
    style: (feature) => areaStyle(colourOf(feature.properties)),
    onEachFeature: (feature, layer) => layer.bindPopup(() => popupFor(feature.properties), { maxHeight: 320 }),
  });
}

function classLayer(features, key, palette) {
  return areaLayer(
    features,
    (p) => p[key] && p[key] !== NOT_SIGNIFICANT,
    (p) => palette.classes[p[key]] || "#b1b4b6",
  );
}

function draw(box, areas, points) {
  const palette = JSON.parse(box.dataset.palette || "{}");
  const bounds = JSON.parse(box.dataset.bounds || "[]");
  box.replaceChildren();
  box.style.height = "36rem"; // CSSOM, which the CSP allows (no inline style attribute)
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Map of the profile's areas. The tables below list the same areas.");
  const map = L.map(box, { preferCanvas: false, keyboard: true });
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }
  const features = areas.features || [];
  const overlays = {
    "Hot spots (all crime)": classLayer(features, "hotspot_class", palette),
    "Harm hot spots": classLayer(features, "hotspot_class_harm", palette),
    "SOC-related hot spots": classLayer(features, "hotspot_class_soc", palette),
    "Deprivation decile": areaLayer(
      features,
      (p) => p.imd_decile !== null && p.imd_decile !== undefined,
      (p) => palette.deciles[String(p.imd_decile)] || "#b1b4b6",
    ),
    "Areas of concern": areaLayer(
      features,
      (p) => p.concern_rank !== null && p.concern_rank !== undefined,
      () => palette.concern,
    ),
    "Emerging patterns": areaLayer(
      features,
      (p) => p.pattern && p.pattern !== NO_PATTERN,
      (p) => palette.patterns[p.pattern] || palette.otherPattern,
    ),
    "All areas with crime": areaLayer(features, (p) => (p.count || 0) > 0, () => "#ffffff"),
  };
  const byLayer = new Map();
  for (const feature of points.features || []) {
    const name = String(feature.properties?.layer || "");
    if (!name || name.toLowerCase() === OCG_LAYER) continue; // never drawn (the server leaves them out too)
    if (!byLayer.has(name)) byLayer.set(name, []);
    byLayer.get(name).push(feature);
  }
  for (const [name, list] of byLayer) {
    const colour = (palette.points || {})[name] || "#0b0c0c";
    // Leaflet writes layer names and tooltips as HTML: a name from an upload goes in as escaped text.
    const label = escapeText(name);
    overlays[label] = L.geoJSON({ type: "FeatureCollection", features: list }, {
      pointToLayer: (_feature, latlng) => L.circleMarker(latlng, {
        radius: 4, color: "#0b0c0c", weight: 1, fillColor: colour, fillOpacity: 0.9,
      }).bindTooltip(label),
    });
  }
  overlays["Hot spots (all crime)"].addTo(map);
  overlays["Areas of concern"].addTo(map);
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  if (bounds.length === 4) {
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
  } else {
    map.setView([54.5, -2.5], 6);
  }
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

const box = document.getElementById("profile-map");
if (box && box.dataset.areasSrc) {
  Promise.all([fetchJson(box.dataset.areasSrc), fetchJson(box.dataset.pointsSrc).catch(() => ({ features: [] }))])
    .then(([areas, points]) => draw(box, areas, points))
    .catch(() => { /* keep the message: the tables below give the same information */ });
}
