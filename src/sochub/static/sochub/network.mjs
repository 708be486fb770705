// The interactive link chart: Cytoscape.js (served locally) draws the JSON that the page names in
// data-network-src, at the positions the server laid out. Without JavaScript, or if the data cannot
// be fetched, the server-drawn SVG stays, and the table of links below it always has the same links.
import cytoscape from "/assets/cytoscape/cytoscape.esm.min.mjs";

const STYLE = [
  { selector: "node", style: {
    "label": "data(label)", "font-size": 10, "font-family": "arial, sans-serif", "color": "#0b0c0c",
    "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": "140px",
    "width": 18, "height": 18, "border-width": 1, "border-color": "#0b0c0c",
  } },
  { selector: "node.nominal", style: { "shape": "ellipse", "background-color": "#1d70b8" } },
  { selector: "node.ocg", style: { "shape": "round-rectangle", "background-color": "#4c2c92" } },
  { selector: "node.protected", style: { "shape": "diamond", "background-color": "#00703c" } },
  { selector: "node.marker", style: { "border-width": 3, "border-color": "#d4351c" } },
  { selector: "node.focus", style: { "width": 26, "height": 26, "font-weight": "bold", "border-width": 3 } },
  { selector: "node:selected", style: { "overlay-color": "#ffdd00", "overlay-opacity": 0.5, "overlay-padding": 6 } },
  { selector: "edge", style: { "width": 1.5, "line-color": "#505a5f", "curve-style": "bezier" } },
  { selector: "edge.s2", style: { "line-style": "dashed" } },
  { selector: "edge.s1", style: { "line-style": "dotted" } },
  { selector: "edge.member", style: { "width": 3, "line-color": "#4c2c92", "line-style": "solid" } },
];

function draw(box, data) {
  const canvas = document.createElement("div");
  canvas.className = "sochub-network__canvas";
  const fit = document.createElement("button");
  fit.type = "button";
  fit.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
  fit.textContent = "Fit the chart to the window";
  const tools = document.createElement("div");
  tools.className = "sochub-network__tools";
  tools.append(fit);
  const svg = box.querySelector("svg");
  const label = svg ? svg.querySelector("title")?.textContent + ". " + (svg.querySelector("desc")?.textContent || "") : "";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label || "Link chart. The table of links below gives the same information.");
  box.replaceChildren(canvas);
  box.before(tools);
  const cy = cytoscape({
    container: canvas,
    elements: data.elements,
    style: STYLE,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.2,
    maxZoom: 4,
  });
  cy.on("dbltap", "node", (event) => {
    const url = event.target.data("url");
    if (url && url.startsWith("/")) window.location.assign(url);
  });
  fit.addEventListener("click", () => cy.fit(undefined, 30));
}

const box = document.querySelector("[data-network-src]");
if (box) {
  fetch(box.dataset.networkSrc, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
    .then((data) => draw(box, data))
    .catch(() => { /* keep the server-drawn chart */ });
}
