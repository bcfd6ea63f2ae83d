// Check-in page: filter the list as the organizer types (the search button still works without it).
(function () {
  const input = document.querySelector("[data-filter-list]");
  if (!input) return;
  const list = document.querySelector(input.dataset.filterList);
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    list.querySelectorAll("[data-search]").forEach((row) => {
      row.classList.toggle("is-hidden", needle !== "" && !row.dataset.search.includes(needle));
    });
  });
  // One tap per person: a second tap while the first is on its way does nothing.
  list.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelector("button").disabled = true;
    });
  });
})();
