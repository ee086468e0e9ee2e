// One button opens or closes every code cell of the page (each also toggles on its own).
(function () {
  var button = document.getElementById('toggle-code');
  if (!button) return;
  button.addEventListener('click', function () {
    var hide = button.textContent === 'hide code';
    document.querySelectorAll('details.code').forEach(function (d) { d.open = !hide; });
    button.textContent = hide ? 'show code' : 'hide code';
  });
})();
