// Handlebars' own build without its Node add-ons (see render.ts): the same instance and types as 'handlebars'.
declare module 'handlebars/dist/cjs/handlebars.js' {
  import Handlebars from 'handlebars';
  export default Handlebars;
}
