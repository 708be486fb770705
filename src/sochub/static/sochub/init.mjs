// Start GOV.UK Frontend and MoJ Frontend components (served locally: no CDN).
import { initAll as govukInitAll } from "/assets/govuk/govuk-frontend.min.js";
import { initAll as mojInitAll } from "/assets/moj/moj-frontend.min.js";

govukInitAll();
mojInitAll();
