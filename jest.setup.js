// jsdom has no DragEvent, which @lumino/dragdrop subclasses when it is imported (as
// JupyterLab's own test utilities also work around).
if (typeof window !== 'undefined' && typeof window.DragEvent === 'undefined') {
  window.DragEvent = class DragEvent extends window.MouseEvent {};
}
