// The browser side of the colour picker in 05_widget_from_python.ipynb. The notebook defines
// it with watch=True: save this file and every view of the picker re-renders in place.
export function render({ comm, el }) {
  const input = document.createElement("input");
  input.type = "color";
  input.value = comm.data.colour;
  const swatch = document.createElement("span");
  swatch.className = "picker-swatch";
  const show = (colour) => {
    input.value = colour;
    swatch.textContent = colour;
    swatch.style.background = colour;
  };
  show(comm.data.colour);
  input.oninput = () => comm.send({ colour: input.value });
  comm.on("msg", (data) => show(data.colour));
  // The kernel may ask which colour is showing: comm.request() in Python.
  comm.onRequest(() => ({ colour: input.value }));
  el.append(input, swatch);
}
