// Canned responses: choosing a status offers its canned texts; choosing one fills the public message.
(function () {
  const data = document.getElementById("canned-responses");
  const status = document.querySelector("#status-form [name=status]");
  const canned = document.getElementById("canned");
  const message = document.querySelector("#status-form [name=message]");
  if (!data || !status || !canned || !message) return;
  const responses = JSON.parse(data.textContent);
  function fill() {
    canned.innerHTML = "";
    canned.appendChild(new Option("—", ""));
    for (const text of responses[status.value] || []) canned.appendChild(new Option(text, text));
  }
  status.addEventListener("change", fill);
  canned.addEventListener("change", () => { if (canned.value) message.value = canned.value; });
  fill();
})();
