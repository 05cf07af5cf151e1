// Prints the given names of every @faker-js/faker locale written in Latin
// script, one per line, sorted and without repeats: the list
// pipeline/nlp/givennames.txt that the NLP stage uses to recognise a person
// by a first name ("Jesper Parnevik"). Run by generate.sh.
const { allFakers } = await import(process.argv[2]);
const latin = /^[\p{Script=Latin}][\p{Script=Latin}\p{M}'’-]*$/u;
const names = new Set();
for (const faker of Object.values(allFakers)) {
  const first = faker.rawDefinitions?.person?.first_name;
  if (!first) continue;
  for (const n of [].concat(first.generic ?? [], first.female ?? [], first.male ?? [])) {
    if (latin.test(n) && n.length > 1) names.add(n);
  }
}
process.stdout.write([...names].sort().join("\n") + "\n");
