// The staff segment map: a circle per postcode district (only districts with enough responses to be named),
// sized by responses and coloured by the share in vulnerable segments, from data-src. Leaflet is served
// locally; no background tiles unless the page names a tile server. Popups are built with textContent and
// nothing writes inline style attributes (the CSP forbids them). Without JavaScript the tables give the same.
import * as L from "/assets/leaflet/leaflet-src.esm.js";

function popupFor(p) {
  const box = document.createElement("div");
  const title = document.createElement("p");
  title.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1";
  title.textContent = p.district;
  const text = document.createElement("p");
  text.className = "govuk-body-s govuk-!-margin-bottom-0";
  text.textContent = `${p.responses} responses; ${Math.round(p.vulnerable_share * 100)}% in vulnerable segments`;
  box.append(title, text);
  return box;
}

async function draw(box) {
  const response = await fetch(box.dataset.src, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();
  box.replaceChildren();
  box.style.height = "30rem"; // CSSOM, which the CSP allows
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Map of postcode districts by share of vulnerable segments. The tables give the same figures.");
  const map = L.map(box, { keyboard: true });
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }
  const layer = L.geoJSON(data, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      radius: 5 + Math.sqrt(feature.properties.responses),
      color: "#0b0c0c", weight: 1, fillColor: feature.properties.colour, fillOpacity: 0.85,
    }),
    onEachFeature: (feature, marker) => marker.bindPopup(() => popupFor(feature.properties)),
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.15)); else map.setView([54.5, -2.5], 6);
  L.control.scale({ imperial: false }).addTo(map);
}

const box = document.getElementById("segment-map");
if (box && box.dataset.src) draw(box).catch(() => { /* keep the message: the tables give the same */ });
