// A grid of digits on a canvas: one row each for the noisy inputs, the network's outputs and the clean targets.

/**
 * Draws `rows` (each n images of side·side pixels in [0, 1]) at `scale` pixels per pixel, with a 4 px gap.
 * A null row (the network's outputs before there is a network) is drawn as grey placeholders.
 */
export function drawDigits(canvas: HTMLCanvasElement, rows: ReadonlyArray<Float32Array | null>, n: number, side: number, scale = 3): void {
  const cell = side * scale + 4;
  canvas.width = n * cell;
  canvas.height = rows.length * cell;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = ctx.createImageData(side * scale, side * scale);
  rows.forEach((row, r) => {
    if (!row) {
      ctx.fillStyle = '#eef0f3';
      for (let i = 0; i < n; i++) ctx.fillRect(i * cell + 2, r * cell + 2, side * scale, side * scale);
      return;
    }
    for (let i = 0; i < n; i++) {
      for (let py = 0; py < side * scale; py++) {
        for (let px = 0; px < side * scale; px++) {
          const v = row[i * side * side + Math.floor(py / scale) * side + Math.floor(px / scale)]!;
          const g = 255 - Math.round(Math.min(1, Math.max(0, v)) * 255); // dark ink on white
          const o = 4 * (py * side * scale + px);
          image.data[o] = image.data[o + 1] = image.data[o + 2] = g;
          image.data[o + 3] = 255;
        }
      }
      ctx.putImageData(image, i * cell + 2, r * cell + 2);
    }
  });
}
