// The peer's GET /posts: the blog's 20 posts as rows in memory, serialized per request as the blog does.
// posts.json is the blog's own GET /posts body, captured by bench/peer_bench.sh before the server starts.
'use strict';
const fs = require('fs');
const path = require('path');

const rows = JSON.parse(fs.readFileSync(path.join(__dirname, 'posts.json'), 'utf8')).items;

module.exports.getPosts = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ items: rows, next: null }),
});
