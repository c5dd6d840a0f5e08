// The owner's rewards (the ladder): renamed, repriced, named in each language, added, removed.
// Every call answers with the whole list, drawn again.
import { onSubmit, onTapCarrying } from "./actions.js";
import { answer, api } from "./api.js";
import { confirm } from "./page.js";

function ladder(name, body) {
  return api(name, body).then(function (data) {
    answer(data);
    if (data.ok) document.getElementById("rewards-box").innerHTML = data.html;
    return data;
  });
}

function saveReward(form) {
  const id = Number(form.dataset.reward);
  const name = form.elements.name.value.trim();
  const cost = form.elements.cost.value.trim();
  // Each call redraws the list: what changed is read now, then sent one call after another.
  const calls = [];
  if (name !== form.dataset.name) calls.push(["reward_rename", { reward: id, name: name }]);
  if (cost !== form.dataset.cost) calls.push(["reward_cost", { reward: id, cost: cost }]);
  form.querySelectorAll("input[data-language]").forEach(function (input) {
    const typed = input.value.trim();
    if (typed !== input.dataset.was) {
      calls.push(["reward_name_in", { reward: id, language: input.dataset.language, name: typed || null }]);
    }
  });
  calls.reduce(function (before, call) {
    return before.then(function (data) { return data.ok ? ladder(call[0], call[1]) : data; });
  }, Promise.resolve({ ok: true }));
}

onSubmit("reward", saveReward);

onSubmit("reward_add", function (form) {
  const body = { cost: form.elements.cost.value.trim(), name: form.elements.name.value };
  if (form.elements.unit) body.unit = form.elements.unit.value;
  ladder("reward_add", body);
});

onTapCarrying("removeReward", function (button, d) {
  confirm(d.question, function () { ladder("reward_remove", { reward: Number(d.removeReward) }); });
});
