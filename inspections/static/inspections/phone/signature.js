// The signature pad of the phone's signing page: draw with a finger (or a pen, or a
// mouse) on the <canvas>; on submit the drawing goes as a PNG data URL in a hidden
// field, with the browser's name as the device. No inline script: the site's CSP.
(function () {
  "use strict";

  function setUp(canvas) {
    var form = canvas.closest("form");
    var image = document.getElementById(canvas.dataset.image);
    var device = document.getElementById(canvas.dataset.device);
    var status = document.getElementById(canvas.dataset.status);
    var clear = document.getElementById("signature-clear");
    var button = form.querySelector('button[type="submit"]');
    var context = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    // The bitmap at the screen's density, as wide as the box is laid out.
    function size() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 3;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#000";
      drawn = false;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      last = point(event);
      // A dot for a tap.
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
      status.textContent = "";
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) return;
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function lift() {
      last = null;
    }
    canvas.addEventListener("pointerup", lift);
    canvas.addEventListener("pointercancel", lift);
    canvas.addEventListener("lostpointercapture", lift);

    clear.addEventListener("click", function () {
      context.save();
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.restore();
      drawn = false;
      image.value = "";
    });

    // Turning the phone lays the box out anew: start again while nothing is drawn.
    window.addEventListener("resize", function () {
      if (!drawn) size();
    });

    form.addEventListener("submit", function (event) {
      if (!drawn) {
        event.preventDefault();
        status.textContent = canvas.dataset.empty;
        canvas.focus();
        return;
      }
      if (form.dataset.confirmSign && !window.confirm(form.dataset.confirmSign)) {
        event.preventDefault();
        return;
      }
      image.value = canvas.toDataURL("image/png");
      device.value = (navigator.userAgent || "").slice(0, 200);
      // One tap, one signature: a second tap would sign a file no longer the latest.
      if (button) button.disabled = true;
    });
    // Back to this page from the browser's history: the button works again.
    window.addEventListener("pageshow", function () {
      if (button) button.disabled = false;
    });

    size();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var canvas = document.getElementById("signature-pad");
    if (canvas && canvas.getContext) setUp(canvas);
  });
})();
