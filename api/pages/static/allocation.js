// The allocation form's "All" box: ticking it ticks every candidate shown, unticking one
// unticks it. Without JavaScript the server reads a ticked "All" as every one shown.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) return;
  const all = box.form.querySelector("input[data-select-all]");
  if (!all) return;
  const boxes = box.form.querySelectorAll(`input[name="${all.dataset.selectAll}"]`);
  if (box === all) {
    boxes.forEach((b) => { b.checked = all.checked; });
  } else if (box.name === all.dataset.selectAll) {
    all.checked = Array.from(boxes).every((b) => b.checked);
  }
});
