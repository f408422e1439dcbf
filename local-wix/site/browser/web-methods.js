// Browser side of web methods: what Wix's generated proxy for `backend/<file>.web.js` does.
// Arguments and results travel as JSON; a failed call rejects with an Error carrying the message.
export async function callWebMethod(file, fn, args) {
  let res;
  try {
    res = await fetch(`/_webMethods/${encodeURIComponent(file)}/${encodeURIComponent(fn)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ args }),
    });
  } catch (err) {
    throw new Error(`Web method ${file}/${fn} could not be reached: ${err && err.message}`);
  }
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) {
    const err = new Error((body && body.message) || `Web method ${file}/${fn} failed with HTTP ${res.status}`);
    if (body && body.details) err.details = body.details;
    err.status = res.status;
    throw err;
  }
  return body ? body.result : undefined;
}
