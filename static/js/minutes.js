// The minutes editor: an outcome's owner and due date matter only for actions, so they are
// dimmed for information and decisions. Without this file every field simply shows.
document.querySelectorAll("[data-outcome]").forEach((row) => {
  const kind = row.querySelector("[data-kind]");
  const fields = row.querySelector("[data-action-fields]");
  if (!kind || !fields) return;
  const update = () => fields.classList.toggle("is-quiet", kind.value !== "action");
  kind.addEventListener("change", update);
  update();
});
