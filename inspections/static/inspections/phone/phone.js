// The officer's phone pages: small enhancements; every form works without them.
(function () {
  "use strict";

  // 17 digits and a check character (a digit or X).
  var ID_NUMBER = /[1-9]\d{16}[\dXx]/;

  // The ID number field: the numeric keypad, plus an X key for the check character.
  function enhanceIdNumber(key) {
    var input = document.getElementById(key.dataset.target);
    if (!input) return;
    input.setAttribute("inputmode", "numeric");
    key.hidden = false;
    key.addEventListener("click", function () {
      input.value = input.value.replace(/\s+$/, "") + "X";
      input.focus();
    });
  }

  // "Scan": read an ID number from a barcode or QR code on a camera photo,
  // where the browser has a BarcodeDetector.
  function enhanceScan(button) {
    if (!("BarcodeDetector" in window) || !window.createImageBitmap) return;
    var input = document.getElementById(button.dataset.target);
    var picker = document.getElementById(button.dataset.picker);
    var status = document.getElementById(button.dataset.status);
    if (!input || !picker || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      picker.click();
    });
    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (!file) return;
      status.textContent = button.dataset.scanning;
      detect(file)
        .then(function (number) {
          if (number) {
            input.value = number.toUpperCase();
            status.textContent = button.dataset.found;
            input.focus();
          } else {
            status.textContent = button.dataset.notFound;
          }
        })
        .catch(function () {
          status.textContent = button.dataset.notFound;
        })
        .then(function () {
          picker.value = "";
        });
    });
  }

  function detect(file) {
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        var detector = new window.BarcodeDetector(formats.length ? { formats: formats } : undefined);
        return window.createImageBitmap(file).then(function (bitmap) {
          return detector.detect(bitmap);
        });
      })
      .then(function (codes) {
        for (var i = 0; i < codes.length; i++) {
          var match = String(codes[i].rawValue || "").match(ID_NUMBER);
          if (match) return match[0];
        }
        return "";
      });
  }

  // Irreversible actions ask first, in words (data-confirm on the form).
  function enhanceConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-confirm]").forEach(enhanceConfirm);
    var key = document.getElementById("x-key");
    if (key) enhanceIdNumber(key);
    var scan = document.getElementById("scan-button");
    if (scan) enhanceScan(scan);
  });
})();
