// The languages the server knows, in one list (server.ts dispatches on languageId or file extension),
// each with its custom theorylab/* requests bound: server.ts never asks which language a document is.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RunResult } from '../protocol';
import { clevrChart, clevrFeatures, clevrRunTarget } from './clevr/service';
import { SlurmRunner } from './cluster/slurm';
import { slurmOptionsFromSettings } from './cluster/settings';
import type { LanguageFeatures, ServerContext } from './languageService';
import * as tlab from './tlab/service';

/**
 * "Run on cluster": the block's solver calls become Slurm array tasks (server/cluster/slurm.ts); the
 * progress notification counts tasks pending/running/done/failed and its Cancel button scancels.
 */
async function runOnCluster(d: TextDocument, target: string | undefined, ctx: ServerContext): Promise<RunResult> {
  const progress = await ctx.createProgress();
  progress.begin(`Theory Lab: ${target ?? 'file'} on Slurm`, 0, 'submitting', true);
  const controller = new AbortController();
  progress.token.onCancellationRequested(() => {
    tlab.cancelTarget(d.uri, target);
    controller.abort();
  });
  const slurm = new SlurmRunner({
    ...slurmOptionsFromSettings(ctx.settings().cluster, ctx.workspaceRoots()[0]),
    onStatus: (st) => {
      const total = st.pending + st.running + st.done + st.failed;
      progress.report(
        total ? Math.round((100 * st.done) / total) : 0,
        `${st.pending} pending, ${st.running} running, ${st.done} done, ${st.failed} failed`,
      );
    },
  });
  try {
    const r = await tlab.runTarget(
      d,
      target,
      { ...ctx, runner: slurm },
      { onPlot: (plot) => ctx.sendPlot(plot), signal: controller.signal },
    );
    const failures = slurm.failures.map((f) => `task ${f.jobId}_${f.taskId}: ${f.message} (log ${f.log})`);
    return failures.length ? { ok: false, message: `${r.message}; failed Slurm tasks: ${failures.join('; ')}` } : r;
  } finally {
    slurm.dispose();
    progress.done();
  }
}

const tlabLanguage: LanguageFeatures = {
  ...tlab.tlabFeatures,
  run: (doc, p, ctx) =>
    p.backend === 'slurm'
      ? runOnCluster(doc, p.target, ctx)
      : tlab.runTarget(doc, p.target, ctx, { onPlot: (plot) => ctx.sendPlot(plot), seed: p.seed }),
  cancel: (uri, target) => tlab.cancelTarget(uri, target),
  plots: (uri, target) => tlab.plotsFor(uri, target),
};

const clevrLanguage: LanguageFeatures = {
  ...clevrFeatures,
  // .clevr evals and sentences run in the checker's pass; a run re-executes them and refreshes.
  run: (doc, p, ctx) => {
    if (p.backend === 'slurm') return { ok: false, message: 'cluster runs are for .tlab experiments only' };
    const r = clevrRunTarget(doc, p.target, ctx);
    ctx.refresh(doc.uri);
    return r;
  },
  chart: (p, ctx) => clevrChart(p, ctx, (uri) => ctx.documentText(uri)),
};

export const languages: LanguageFeatures[] = [tlabLanguage, clevrLanguage];
