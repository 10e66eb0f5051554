// Warns before the idle time-out (WCAG 2.2.1), two minutes ahead, in a dialog; "Stay signed in" refreshes
// the session on the server. Without JavaScript nothing here runs, and a form sent after the time-out is
// kept on the server and given back after signing in again, so no work is lost either way.
export function startTimeoutWarning(document) {
  const dialog = document.getElementById('timeout-warning');
  if (!dialog || typeof dialog.showModal !== 'function') return;
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  if (!(idleSeconds > warnSeconds)) return;
  const countdown = dialog.querySelector('[data-countdown]');
  const form = dialog.querySelector('form');
  let warnTimer;
  let tick;
  let deadline;

  const schedule = () => {
    clearTimeout(warnTimer);
    clearInterval(tick);
    deadline = Date.now() + idleSeconds * 1000;
    warnTimer = setTimeout(warn, (idleSeconds - warnSeconds) * 1000);
  };
  const render = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = left % 60;
    const parts = [];
    if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
    if (seconds > 0 || minutes === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
    countdown.textContent = parts.join(' ');
    if (left === 0) window.location.assign(dialog.dataset.timedOutUrl);
  };
  const warn = () => {
    render();
    dialog.showModal();
    tick = setInterval(render, 1000);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    });
    dialog.close();
    if (response.ok) schedule();
    else window.location.assign(dialog.dataset.timedOutUrl);
  });
  schedule();
}
