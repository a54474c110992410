import { benchData } from './data.js';

/** `npm run bench`: each benchmark's figures as one JSON line. */
console.log(JSON.stringify({ data: await benchData() }));
