// The action table: what a tap, a form sent, a field changed or typed in does, by name. Each
// screen's module registers its own entries; this one only finds the name and calls its handler,
// so adding a kind of button touches its screen's module alone.
import { app } from "./page.js";

const taps = new Map(); // a button's data-action → handler(button, dataset)
const carried = new Map(); // a data attribute naming what a button carries → handler(button, dataset)
const formTaps = new Map(); // a form's data-form → handler(button) for a tap on any of its buttons
const submits = new Map(); // a form's data-form → handler(form)
const changes = new Map(); // a field's data-action, else its form's data-form → handler(field)
const inputs = new Map(); // the same → handler(field), at each keystroke

function register(table, name, handler) {
  if (table.has(name)) throw new Error("two handlers for " + name);
  table.set(name, handler);
}

/** A tap on a button with data-action=`name`. */
export function onTap(name, handler) { register(taps, name, handler); }

/** A tap on a button named by what it carries instead (data-tab, data-op, data-poster…):
 * `attribute` as in its dataset (data-remove-reward is "removeReward"). */
export function onTapCarrying(attribute, handler) { register(carried, attribute, handler); }

/** A tap on any button of the form data-form=`name` (a setting's choices and switch). */
export function onTapInForm(name, handler) { register(formTaps, name, handler); }

export function onSubmit(name, handler) { register(submits, name, handler); }
export function onChange(name, handler) { register(changes, name, handler); }
export function onInput(name, handler) { register(inputs, name, handler); }

function tapHandler(button) {
  const form = button.closest("[data-form]");
  if (form && formTaps.has(form.dataset.form)) return formTaps.get(form.dataset.form);
  const d = button.dataset;
  if (d.action && taps.has(d.action)) return taps.get(d.action);
  for (const [attribute, handler] of carried) {
    if (d[attribute]) return handler;
  }
  return null;
}

function fieldName(field) {
  if (field.dataset && field.dataset.action) return field.dataset.action;
  const form = field.closest("[data-form]");
  return form ? form.dataset.form : "";
}

app.addEventListener("click", function (event) {
  const button = event.target.closest("button");
  if (!button || button.disabled) return;
  const handler = tapHandler(button);
  if (handler) handler(button, button.dataset);
});

app.addEventListener("submit", function (event) {
  event.preventDefault();
  const handler = submits.get(event.target.dataset.form);
  if (handler) handler(event.target);
});

app.addEventListener("change", function (event) {
  const handler = changes.get(fieldName(event.target));
  if (handler) handler(event.target);
});

app.addEventListener("input", function (event) {
  const handler = inputs.get(fieldName(event.target));
  if (handler) handler(event.target);
});
