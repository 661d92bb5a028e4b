// lessonlink.js: a lesson at a checkpoint as an address, and back.

import assert from "node:assert/strict";
import { test } from "node:test";

import { lessonFromLocation, lessonLink, partWithin } from "../../static/src/lessonlink.js";

test("a lesson's link names it and its part; part 1 is its start", () => {
  assert.equal(lessonLink("http://192.168.1.20:5000", "13-rolling-update", 3), "http://192.168.1.20:5000/?lesson=13-rolling-update&part=3");
  assert.equal(lessonLink("http://localhost:5000", "01-first-pod", 1), "http://localhost:5000/?lesson=01-first-pod");
});

test("an address gives the lesson back, and nothing for what is not a lesson's name", () => {
  assert.deepEqual(lessonFromLocation("?lesson=13-rolling-update&part=3"), { name: "13-rolling-update", part: 3 });
  assert.deepEqual(lessonFromLocation("?lesson=02-deployment"), { name: "02-deployment", part: 1 });
  assert.deepEqual(lessonFromLocation("?lesson=02-deployment&part=zero"), { name: "02-deployment", part: 1 });
  assert.deepEqual(lessonFromLocation("?lesson=02-deployment&part=-4"), { name: "02-deployment", part: 1 });
  assert.equal(lessonFromLocation("?lesson=../etc/passwd"), null);
  assert.equal(lessonFromLocation("?presenter"), null);
  assert.equal(lessonFromLocation(""), null);
  const link = new URL(lessonLink("http://localhost:5000", "30-kubernetes-basics", 4));
  assert.deepEqual(lessonFromLocation(link.search), { name: "30-kubernetes-basics", part: 4 });
});

test("a part past the lesson's last is its last", () => {
  assert.equal(partWithin(9, 6), 6);
  assert.equal(partWithin(3, 6), 3);
  assert.equal(partWithin(2, 0), 1); // a lesson without `say` steps has one part
});
