// What every bench script shares: the median of repeated timings (upper median for an even count).
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
