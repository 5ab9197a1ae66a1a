// Behaviour that would otherwise need inline script (the content security policy forbids it).
document.addEventListener("click", function (event) {
  if (event.target.closest(".print-button")) {
    window.print();
  }
});
