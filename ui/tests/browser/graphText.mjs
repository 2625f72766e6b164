/** The graph's zoom under `scope` (the viewport's transform) and the smallest text of any token
 * card as it is on screen: its computed font size × that zoom. */
export function smallestCardText(page, scope) {
  return page.evaluate((root) => {
    const viewport = document.querySelector(`${root} .react-flow__viewport`);
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let smallest = Infinity;
    let where = "";
    for (const el of document.querySelectorAll(`${root} .token-node *`)) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
      if (!own) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * zoom;
      if (px < smallest) {
        smallest = px;
        where = el.className || el.tagName;
      }
    }
    return { zoom, smallestPx: smallest, where, cards: document.querySelectorAll(`${root} .token-node`).length };
  }, scope);
}
