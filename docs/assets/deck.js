// reveal.js with the site's settings. A Plotly chart drawn while its slide was hidden has no width:
// it is resized when its slide is shown. C shows or hides the code.
(function () {
  Reveal.initialize({ hash: true, width: 1280, height: 800, margin: 0.03, transition: 'none', center: false });
  function resize(e) {
    if (!window.Plotly || !e.currentSlide) return;
    e.currentSlide.querySelectorAll('.js-plotly-plot').forEach(function (p) { window.Plotly.Plots.resize(p); });
  }
  Reveal.on('ready', resize);
  Reveal.on('slidechanged', resize);
  Reveal.addKeyBinding({ keyCode: 67, key: 'C', description: 'Show or hide the code' }, function () {
    document.body.classList.toggle('show-code');
  });
})();
