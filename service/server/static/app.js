// govreport review page: uploads, review buttons and cell corrections through the JSON API
// (the login cookie authenticates these requests; no inline scripts, no external resources).
"use strict";

async function api(method, url, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  const res = await fetch(url, init);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const detail = data && data.detail ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : res.statusText;
    throw new Error(res.status + " " + detail);
  }
  return data;
}

function onSubmit(id, handler) {
  const form = document.getElementById(id);
  if (form) form.addEventListener("submit", (ev) => { ev.preventDefault(); handler(form); });
}

onSubmit("upload-form", async (form) => {
  const msg = document.getElementById("upload-message");
  msg.textContent = "正在分析…";
  try {
    const data = await api("POST", "/api/reports", new FormData(form));
    window.location.href = "/reports/" + data.id;
  } catch (e) { msg.textContent = "上传失败：" + e.message; msg.className = "message error"; }
});

onSubmit("batch-form", async (form) => {
  const msg = document.getElementById("batch-message");
  msg.textContent = "正在上传…";
  try {
    const data = await api("POST", "/api/batches", new FormData(form));
    window.location.href = "/batches/" + data.id;
  } catch (e) { msg.textContent = "上传失败：" + e.message; msg.className = "message error"; }
});

onSubmit("units-form", async (form) => {
  const msg = document.getElementById("units-message");
  try {
    const data = await api("POST", "/api/units/import", new FormData(form));
    msg.textContent = `新增 ${data.created} 个，更新 ${data.updated} 个`;
    window.location.reload();
  } catch (e) { msg.textContent = "导入失败：" + e.message; msg.className = "message error"; }
});

const report = document.getElementById("report");
if (report) {
  const id = report.dataset.report;
  document.querySelectorAll(".review-btn").forEach((btn) => btn.addEventListener("click", async () => {
    const li = btn.closest("li.finding");
    const comment = li.querySelector(".review-comment").value;
    btn.disabled = true;
    try {
      await api("PATCH", `/api/reports/${id}/findings/${encodeURIComponent(li.dataset.fp)}`, { review: btn.dataset.state, comment });
      window.location.reload();
    } catch (e) { alert("保存失败：" + e.message); btn.disabled = false; }
  }));

  const dialog = document.getElementById("correct-dialog");
  let target = null;
  document.querySelectorAll("td.cell").forEach((td) => {
    const open = () => {
      target = td;
      const label = td.closest("tr").querySelector("th.label").textContent;
      document.getElementById("correct-where").textContent = `${label} 第${Number(td.dataset.column) + 1}列（现为 ${td.textContent.trim() || "空"}）`;
      document.getElementById("correct-value").value = td.textContent.trim();
      document.getElementById("correct-message").textContent = "";
      dialog.showModal();
    };
    td.addEventListener("click", open);
    td.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
  });
  document.getElementById("correct-cancel").addEventListener("click", () => dialog.close());
  onSubmit("correct-form", async () => {
    const raw = document.getElementById("correct-value").value.trim();
    const body = { table: target.dataset.table, row: target.dataset.row, column: Number(target.dataset.column),
                   value: raw === "" ? null : Number(raw), reason: document.getElementById("correct-reason").value };
    try {
      await api("PATCH", `/api/reports/${id}/cells`, body);
      window.location.reload();
    } catch (e) { document.getElementById("correct-message").textContent = "保存失败：" + e.message; }
  });
}

const batch = document.getElementById("batch");
if (batch && !["done", "failed"].includes(batch.dataset.status)) {
  const poll = async () => {
    try {
      const data = await api("GET", "/api/batches/" + batch.dataset.batch);
      document.getElementById("batch-status").textContent = data.status;
      document.getElementById("batch-done").textContent = data.done;
      document.getElementById("batch-progress").value = data.progress;
      if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
    } catch (e) { /* keep polling */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
