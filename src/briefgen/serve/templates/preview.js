// Reload when the server says a brief shown here was rebuilt: the event stream sends each brief's version.
(function () {
  var slug = document.body.dataset.slug;
  var made = document.body.dataset.versions;
  var source = new EventSource("/events");
  source.onmessage = function (event) {
    var stale = slug ? JSON.parse(event.data)[slug] !== JSON.parse(made)[slug] : event.data !== made;
    if (stale) {
      source.close();
      window.location.reload();
    }
  };
})();
