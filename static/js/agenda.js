// The agenda editor's reordering: drag a row, or use its Up/Down buttons without a round
// trip. Without this file the buttons post the form and the server reorders (keyboard
// fallback); with it they move the row at once. Either way the hidden `order` field carries
// the order to the server, which saves it with the rest of the form.
(function () {
  const list = document.querySelector("[data-sortable]");
  const order = document.querySelector("[data-order]");
  const announce = document.querySelector("[data-announce]");
  if (!list || !order) return;

  function rows() { return Array.from(list.querySelectorAll(":scope > .agenda-row")); }

  function refresh() {
    const all = rows();
    order.value = all.map((row) => row.dataset.key).join(",");
    all.forEach((row, index) => {
      const up = row.querySelector("[data-move=up]");
      const down = row.querySelector("[data-move=down]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === all.length - 1;
    });
  }

  function titleOf(row) {
    const input = row.querySelector("input[name$='-title']");
    return (input && input.value) || "";
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest(".agenda-row");
    if (button.dataset.move === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    }
    refresh();
    const again = row.querySelector(`[data-move=${button.dataset.move}]`);
    (again && !again.disabled ? again : row.querySelector("input[name$='-title']")).focus();
    if (announce) announce.textContent = `${titleOf(row)}: ${rows().indexOf(row) + 1} / ${rows().length}`;
  });

  // Rows become draggable only from their handle, so text in their fields stays selectable.
  list.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest(".drag-handle");
    if (handle) handle.closest(".agenda-row").draggable = true;
  });
  let dragged = null;
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".agenda-row");
    if (!dragged) return;
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.key);
  });
  list.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const over = event.target.closest(".agenda-row");
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextElementSibling : over);
  });
  list.addEventListener("drop", (event) => { event.preventDefault(); });
  list.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("is-dragging");
      dragged.draggable = false;
    }
    dragged = null;
    refresh();
  });
  refresh();
})();
