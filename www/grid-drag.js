// G's digits from the grid: a click picks one for the noise explorer (shift-click: as B),
// the keyboard moves the pick, and a digit dragged onto the pad (or sent with P or the "To
// the pad" button) is judged there. While dragging near the window's edge the page
// scrolls, in the frame loop (tickDrag). Owns app.drag. May call grid.js (which cell),
// explore.js (the pick), draw.js (the pad) and util.js; through `app`: the engine.
// Its panel object, `drag` (main.js's PANELS): state (app.drag), setup, tickAfter (the
// scrolling).
import { loadOntoPad } from './draw.js';
import { pickedImage, revealExplore, selectCell } from './explore.js';
import { cellAt } from './grid.js';
import { $, GRID_SIDE, IMAGE_SIDE, drawImage28 } from './util.js';

/** A pointer must move this far (px) on the grid before it counts as a drag. */
const DRAG_START_PX = 6;
/** Dragging within this many px of the window's edge scrolls, up to this many px a frame. */
const AUTOSCROLL_EDGE_PX = 60;
const AUTOSCROLL_PX = 18;

/** The drag's part of the page's state (this panel's `state`, which main.js puts on `app`). */
const dragState = () => ({
  /** A digit being dragged from the grid: { cell, x, y, ghost, image, scroll }. */
  drag: null,
});

function overPad(x, y) {
  const r = $('pad').getBoundingClientRect();
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
}

const markDropTarget = (app) => $('pad').classList.toggle('drop-target', overPad(app.drag.x, app.drag.y));

/** Each frame: a drag near the window's edge scrolls the page, and the pad says whether it is under the digit. */
function tickDrag(app) {
  if (app.drag?.scroll) {
    window.scrollBy(0, app.drag.scroll);
    markDropTarget(app);
  }
}

/** Grid: click picks a digit (shift-click: as B); dragging one onto the pad judges it. */
function setupGridDrag(app) {
  $('to-pad').addEventListener('click', () => {
    const image = pickedImage(app);
    if (image) loadOntoPad(app, image, 'g');
  });
  const grid = $('grid');
  const endDrag = () => {
    app.drag?.ghost?.remove();
    $('pad').classList.remove('drop-target');
    app.drag = null;
  };
  grid.addEventListener('pointerdown', (e) => {
    if (!app.ready || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const cell = cellAt(e);
    if (cell == null) return;
    e.preventDefault();
    grid.setPointerCapture(e.pointerId);
    app.drag = { cell, x: e.clientX, y: e.clientY, shift: e.shiftKey, ghost: null, image: null, scroll: 0 };
  });
  grid.addEventListener('pointermove', (e) => {
    const drag = app.drag;
    if (!drag) return;
    if (!drag.ghost && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < DRAG_START_PX) return;
    if (!drag.ghost) {
      const ghost = document.createElement('canvas');
      ghost.width = ghost.height = IMAGE_SIDE;
      ghost.className = 'drag-ghost';
      document.body.append(ghost);
      drag.ghost = ghost;
      // G's image of this cell as of the last grid render.
      app.engine.gridCell(drag.cell).then(({ image }) => {
        drag.image = image;
        drawImage28(ghost, image);
      }, () => {});
    }
    drag.x = e.clientX;
    drag.y = e.clientY;
    drag.ghost.style.left = `${e.clientX}px`;
    drag.ghost.style.top = `${e.clientY}px`;
    // Near the top or bottom of the window the page scrolls (in the frame loop), so the
    // pad can be reached from the grid on any screen.
    const top = Math.max(0, document.querySelector('.top').getBoundingClientRect().bottom);
    const bottom = window.innerHeight;
    drag.scroll =
      e.clientY > bottom - AUTOSCROLL_EDGE_PX ? (AUTOSCROLL_PX * (e.clientY - bottom + AUTOSCROLL_EDGE_PX)) / AUTOSCROLL_EDGE_PX
        : e.clientY < top + AUTOSCROLL_EDGE_PX ? (-AUTOSCROLL_PX * (top + AUTOSCROLL_EDGE_PX - e.clientY)) / AUTOSCROLL_EDGE_PX
          : 0;
    markDropTarget(app);
  });
  grid.addEventListener('pointerup', (e) => {
    const drag = app.drag;
    if (!drag) return;
    if (drag.ghost) {
      if (drag.image && overPad(e.clientX, e.clientY)) loadOntoPad(app, drag.image, 'g');
    } else {
      selectCell(app, drag.cell, drag.shift || e.shiftKey);
      revealExplore();
    }
    endDrag();
  });
  grid.addEventListener('pointercancel', endDrag);
  // Keyboard: arrows move the pick, B makes the picked digit B, P puts it on the pad.
  grid.addEventListener('keydown', (e) => {
    if (!app.ready) return;
    const at = app.explore.index ?? 0;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -GRID_SIDE, ArrowDown: GRID_SIDE };
    if (e.key in moves) {
      e.preventDefault();
      const next = at + moves[e.key];
      const sameRow = Math.floor(next / GRID_SIDE) === Math.floor(at / GRID_SIDE);
      if (next >= 0 && next < GRID_SIDE * GRID_SIDE && (Math.abs(moves[e.key]) === GRID_SIDE || sameRow)) selectCell(app, next);
      else if (app.explore.index == null) selectCell(app, at);
    } else if (e.key === 'b' || e.key === 'B') {
      selectCell(app, at, true);
    } else if ((e.key === 'p' || e.key === 'P') && pickedImage(app)) {
      loadOntoPad(app, pickedImage(app), 'g');
    }
  });
}

/** The drag's face as a panel of the page (main.js's PANELS). */
export const drag = {
  state: dragState,
  setup: setupGridDrag,
  tickAfter: tickDrag,
};
