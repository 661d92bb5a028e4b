"""The Kubernetes docs' networking examples (k8s.io/examples/service/networking/), as the
docs give them (several in YAML flow style, with trailing commas), by file name."""

from __future__ import annotations

EXAMPLES = {
    "minimal-ingress.yaml": """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: minimal-ingress
spec:
  ingressClassName: nginx-example
  rules:
  - http:
      paths:
      - path: /testpath
        pathType: Prefix
        backend:
          service:
            name: test
            port:
              number: 80
""",
    "ingress-resource-backend.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    name: "ingress-resource-backend",
  },
  spec: {
    defaultBackend: {
      resource: {
        apiGroup: "k8s.example.com",
        kind: "StorageBucket",
        name: "static-assets",
      },
    },
    rules: [{
      http: {
        paths: [{
          path: "/icons",
          pathType: "ImplementationSpecific",
          backend: {
            resource: {
              apiGroup: "k8s.example.com",
              kind: "StorageBucket",
              name: "icon-assets",
            },
          },
        }],
      },
    }],
  },
}
""",
    "simple-fanout-example.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    name: "simple-fanout-example",
  },
  spec: {
    rules: [{
      host: "foo.bar.com",
      http: {
        paths: [{
          path: "/foo",
          pathType: "Prefix",
          backend: {
            service: {
              name: "service1",
              port: {
                number: 4200,
              },
            },
          },
        }, {
          path: "/bar",
          pathType: "Prefix",
          backend: {
            service: {
              name: "service2",
              port: {
                number: 8080,
              },
            },
          },
        }],
      },
    }],
  },
}
""",
    "name-virtual-host-ingress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    name: "name-virtual-host-ingress",
  },
  spec: {
    rules: [{
      host: "foo.bar.com",
      http: {
        paths: [{
          pathType: "Prefix",
          path: "/",
          backend: {
            service: {
              name: "service1",
              port: {
                number: 80,
              },
            },
          },
        }],
      },
    }, {
      host: "bar.foo.com",
      http: {
        paths: [{
          pathType: "Prefix",
          path: "/",
          backend: {
            service: {
              name: "service2",
              port: {
                number: 80,
              },
            },
          },
        }],
      },
    }],
  },
}
""",
    "tls-example-ingress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    name: "tls-example-ingress",
  },
  spec: {
    tls: [{
      hosts: [
        "https-example.foo.com",
      ],
      secretName: "testsecret-tls",
    }],
    rules: [{
      host: "https-example.foo.com",
      http: {
        paths: [{
          path: "/",
          pathType: "Prefix",
          backend: {
            service: {
              name: "service1",
              port: {
                number: 80,
              },
            },
          },
        }],
      },
    }],
  },
}
""",
    "external-lb.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "IngressClass",
  metadata: {
    name: "external-lb",
  },
  spec: {
    controller: "example.com/ingress-controller",
    parameters: {
      apiGroup: "k8s.example.com",
      kind: "IngressParameters",
      name: "external-lb",
    },
  },
}
""",
    "default-ingressclass.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "IngressClass",
  metadata: {
    labels: {
      app.kubernetes.io/component: "controller",
    },
    name: "example-class",
    annotations: {
      ingressclass.kubernetes.io/is-default-class: "true",
    },
  },
  spec: {
    controller: "k8s.io/example-class",
  },
}
""",
    "networkpolicy.yaml": """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978

""",
    "network-policy-default-deny-ingress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "default-deny-ingress",
  },
  spec: {
    podSelector: {},
    policyTypes: [
      "Ingress",
    ],
  },
}
""",
    "network-policy-default-deny-egress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "default-deny-egress",
  },
  spec: {
    podSelector: {},
    policyTypes: [
      "Egress",
    ],
  },
}
""",
    "network-policy-default-deny-all.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "default-deny-all",
  },
  spec: {
    podSelector: {},
    policyTypes: [
      "Ingress",
      "Egress",
    ],
  },
}
""",
    "network-policy-allow-all-ingress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "allow-all-ingress",
  },
  spec: {
    podSelector: {},
    ingress: [{}],
    policyTypes: [
      "Ingress",
    ],
  },
}
""",
    "network-policy-allow-all-egress.yaml": """---
{
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "allow-all-egress",
  },
  spec: {
    podSelector: {},
    egress: [{}],
    policyTypes: [
      "Egress",
    ],
  },
}
""",
}
