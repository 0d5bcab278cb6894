/// The JSON API described in OpenAPI 3.0, served at `/api/openapi.json` (a test checks that
/// its paths answer and that its parameters are exactly those each endpoint accepts).
enum OpenAPI {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "desm serve",
    "version": "1",
    "description": "Ranking with dual word embeddings (DESM), BM25 and their mixture over one index. Errors are {\"error\": message} with 400 (a bad parameter) or 404 (an unknown docno, word or path)."
  },
  "paths": {
    "/health": {
      "get": {
        "summary": "The index served",
        "responses": {"200": {"description": "index name, documents, dim, vocabulary, model checksum, centring, batches", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}
      }
    },
    "/api/search": {
      "get": {
        "summary": "Rank the index's documents for a query (what desm search --json prints)",
        "parameters": [
          {"name": "q", "in": "query", "required": true, "description": "query text, at most 1000 bytes", "schema": {"type": "string", "minLength": 1, "maxLength": 1000}, "example": "heart disease"},
          {"name": "scorer", "in": "query", "description": "in-out (default), in-in, out-out, out-in, bm25, mixture, mixture:<variant>, or recipe (the system of desm serve --recipe, then the default)", "schema": {"type": "string", "default": "in-out"}},
          {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}},
          {"name": "alpha", "in": "query", "description": "mixture weight of DESM (mixtures only)", "schema": {"type": "number", "minimum": 0, "maximum": 1}},
          {"name": "norm", "in": "query", "description": "per-query normalisation of a mixture's halves", "schema": {"type": "string", "enum": ["none", "minmax", "zscore"]}},
          {"name": "rerank", "in": "query", "description": "re-rank BM25's top K instead of the whole collection", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
          {"name": "explain", "in": "query", "description": "add each hit's explanation (desm search --explain --json)", "schema": {"type": "string", "enum": ["0", "1", "true", "false"]}}
        ],
        "responses": {
          "200": {"description": "the ranking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}},
          "400": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/document/{docno}": {
      "get": {
        "summary": "A document's stored text cut into words; with q, each word's cosine with the query",
        "parameters": [
          {"name": "docno", "in": "path", "required": true, "schema": {"type": "string"}, "example": "S0035"},
          {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1000}},
          {"name": "space", "in": "query", "description": "the spaces of the cosines (needs q)", "schema": {"type": "string", "enum": ["in-out", "in-in", "out-out", "out-in"], "default": "in-out"}}
        ],
        "responses": {
          "200": {"description": "the document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/neighbors": {
      "get": {
        "summary": "A word's nearest words",
        "parameters": [
          {"name": "word", "in": "query", "required": true, "schema": {"type": "string", "maxLength": 200}, "example": "heart"},
          {"name": "space", "in": "query", "schema": {"type": "string", "enum": ["in-in", "in-out", "out-out"], "default": "in-in"}},
          {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}
        ],
        "responses": {
          "200": {"description": "the neighbours", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Neighbours"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    }
  },
  "components": {
    "responses": {
      "Error": {"description": "a refused request", "content": {"application/json": {"schema": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}
    },
    "schemas": {
      "Health": {"type": "object", "required": ["status", "index", "documents", "dim", "vocabulary", "modelChecksum", "centred", "centroid", "snippetBytes"],
        "properties": {"status": {"type": "string"}, "index": {"type": "string"}, "documents": {"type": "integer"}, "dim": {"type": "integer"}, "vocabulary": {"type": "integer"},
          "modelChecksum": {"type": "string"}, "centred": {"type": "boolean"}, "centroid": {"type": "string"}, "snippetBytes": {"type": "integer"}, "recipe": {"type": "string"},
          "desmBatches": {"type": "object", "properties": {"batches": {"type": "integer"}, "queries": {"type": "integer"}, "largestBatch": {"type": "integer"}}}}},
      "Search": {"type": "object", "required": ["query", "scorer", "tag", "queryWords", "skippedWords", "stoplistWords", "unknownTerms", "notes", "results"],
        "properties": {"query": {"type": "string"}, "scorer": {"type": "string"}, "tag": {"type": "string"},
          "queryWords": {"type": "array", "items": {"type": "string"}}, "skippedWords": {"type": "array", "items": {"type": "string"}},
          "stoplistWords": {"type": "array", "items": {"type": "string"}}, "unknownTerms": {"type": "array", "items": {"type": "string"}},
          "notes": {"type": "array", "items": {"type": "string"}},
          "results": {"type": "array", "items": {"type": "object", "required": ["rank", "docno", "score", "snippet"],
            "properties": {"rank": {"type": "integer"}, "docno": {"type": "string"}, "score": {"type": "number"}, "snippet": {"type": "string"},
              "desmScore": {"type": "number"}, "bm25Score": {"type": "number"}, "desmFeedback": {"type": "number"},
              "desm": {"type": "array", "items": {"type": "object", "properties": {"word": {"type": "string"}, "cosine": {"type": "number"}, "contribution": {"type": "number"}}}},
              "bm25": {"type": "array", "items": {"type": "object", "properties": {"term": {"type": "string"}, "queryCount": {"type": "integer"}, "tf": {"type": "integer"}, "idf": {"type": "number"}, "score": {"type": "number"}, "weight": {"type": "number"}}}},
              "mixture": {"type": "object", "properties": {"alpha": {"type": "number"}, "desm": {"type": "number"}, "bm25": {"type": "number"}, "score": {"type": "number"}}}}}}}},
      "Document": {"type": "object", "required": ["docno", "text", "snippetBytes", "segments", "notes"],
        "properties": {"docno": {"type": "string"}, "text": {"type": "string"}, "snippetBytes": {"type": "integer"}, "query": {"type": "string"}, "space": {"type": "string"},
          "queryWords": {"type": "array", "items": {"type": "string"}}, "notes": {"type": "array", "items": {"type": "string"}},
          "segments": {"type": "array", "items": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "word": {"type": "string"}, "cosine": {"type": "number"}, "queryWord": {"type": "boolean"}}}}}},
      "Neighbours": {"type": "object", "required": ["word", "space", "centred", "neighbors"],
        "properties": {"word": {"type": "string"}, "space": {"type": "string"}, "centred": {"type": "boolean"},
          "neighbors": {"type": "array", "items": {"type": "object", "properties": {"word": {"type": "string"}, "cosine": {"type": "number"}}}}}}
    }
  }
}
"""#
}
