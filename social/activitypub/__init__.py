"""ActivityPub: every persona is an actor other fediverse servers can follow (see the
ActivityPub section of social/README.md).

- `objects`: the documents (WebFinger, actor, Note, Create, Accept, collections), apart from
  transport and storage;
- `signatures`: HTTP Signatures as Mastodon signs and checks them (draft-cavage, RSA-SHA256);
- `keys`: a persona's RSA key pair; `tables`: the tables ActivityPub adds (keys, the remote key
  cache, published posts, received activities);
- `remote`: signed fetches and the key cache; `delivery`: the restart-safe delivery queue;
- `service.Federation`: inbox processing, publishing, the delivery worker;
- `routes.create_router`: the FastAPI router the social app mounts.
"""
