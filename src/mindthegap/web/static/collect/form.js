// Respondents' pages work without this file; it only moves the focus to the error summary when a page comes
// back with mistakes, so keyboard and screen-reader users start there (as GOV.UK's design system does).
// Served as a static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
