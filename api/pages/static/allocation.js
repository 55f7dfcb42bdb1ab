// The allocation form's "All" box: ticking it ticks every candidate shown, unticking one
// unticks it. Without JavaScript the server reads a ticked "All" as every one shown.
// A person's wishes: the summary says what is ticked ("as in their profile" for none),
// and ticking a wish ticks the person too (a wish for someone not chosen is dropped).
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) return;
  const all = box.form.querySelector("input[data-select-all]");
  if (!all) return;
  const boxes = box.form.querySelectorAll(`input[name="${all.dataset.selectAll}"]`);
  if (box.name === "wish") {
    const row = box.closest("li");
    const now = row && row.querySelector(".wish-now");
    if (!now) return;
    const ticked = Array.from(row.querySelectorAll("input[name='wish']:checked"));
    now.textContent = ticked.length ? ticked.map((b) => b.dataset.word).join(", ")
      : now.dataset.default;
    const person = row.querySelector(`input[name="${all.dataset.selectAll}"]`);
    if (box.checked && person) person.checked = true;
  } else if (box === all) {
    boxes.forEach((b) => { b.checked = all.checked; });
    return;
  }
  all.checked = Array.from(boxes).every((b) => b.checked);
});
